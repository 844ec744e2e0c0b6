using System.Globalization;
using System.Text;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// Translates a pattern written for Oniguruma (HF tokenizers compiles <c>Split</c> patterns with the onig crate,
/// tokenizers/src/utils/onig.rs) into a .NET pattern with the same matches:
/// <list type="bullet">
/// <item>every character class (<c>[...]</c>, <c>\p{..}</c>, <c>\s</c>, <c>.</c>) matches one <em>code point</em>; with
/// <c>surrogateAware</c> the supplementary members are spelled as surrogate pairs (see <see cref="CodePointClass"/>);</item>
/// <item>possessive quantifiers <c>?+ *+ ++</c>, which .NET lacks, become atomic groups <c>(?&gt;X*)</c> (same
/// semantics: no backtracking into the quantified atom); <c>{n,m}+</c> is not possessive in Oniguruma's own syntax
/// but a repeat of the interval, and is kept so;</item>
/// <item><c>{,m}</c> becomes <c>{0,m}</c>; the inline option <c>m</c> (Ruby's dot-all) becomes .NET's <c>s</c>.</item>
/// </list>
/// Compile the result with <c>RegexOptions.Multiline | RegexOptions.CultureInvariant</c>: Oniguruma's <c>^</c> and
/// <c>$</c> are line anchors. Constructs with no .NET equivalent (scripts in <c>\p{}</c>, nested classes, <c>\K</c>,
/// <c>\R</c>, <c>\X</c>) are rejected with a <see cref="TokenizerException"/>.
/// </summary>
internal static class OnigurumaRegexTranslator
{
    public static string Translate(string pattern, bool surrogateAware) => new Parser(pattern, surrogateAware).Run();

    private sealed class Parser(string pattern, bool surrogateAware)
    {
        private readonly StringBuilder _out = new();
        private readonly Stack<int> _groupStarts = new();
        private int _pos;
        private int _lastAtomStart = -1;

        public string Run()
        {
            while (_pos < pattern.Length)
            {
                var c = pattern[_pos];
                switch (c)
                {
                    case '\\':
                        ParseEscapeOutsideClass();
                        break;
                    case '[':
                        EmitAtom(ParseClass().ToDotNetAtom(surrogateAware));
                        break;
                    case '.':
                        _pos++;
                        EmitAtom(CodePointClass.AnyButNewline.ToDotNetAtom(surrogateAware));
                        break;
                    case '(':
                        ParseGroupOpen();
                        break;
                    case ')':
                        if (_groupStarts.Count == 0)
                        {
                            throw Error("unbalanced ')'");
                        }

                        _pos++;
                        _out.Append(')');
                        _lastAtomStart = _groupStarts.Pop();
                        break;
                    case '|':
                    case '^':
                    case '$':
                        _pos++;
                        _out.Append(c);
                        _lastAtomStart = -1;
                        break;
                    case '*':
                    case '+':
                    case '?':
                        ParseQuantifier();
                        break;
                    case '{' when IsInterval():
                        ParseQuantifier();
                        break;
                    default:
                        EmitLiteral(ReadCodePoint());
                        break;
                }
            }

            if (_groupStarts.Count != 0)
            {
                throw Error("unbalanced '('");
            }

            return _out.ToString();
        }

        private void EmitAtom(string atom)
        {
            _lastAtomStart = _out.Length;
            _out.Append(atom);
        }

        private void EmitLiteral(int codePoint)
        {
            if (codePoint > 0xFFFF)
            {
                var s = char.ConvertFromUtf32(codePoint);
                EmitAtom("(?:" + RangeItem.Escape(s[0]) + RangeItem.Escape(s[1]) + ")");
            }
            else
            {
                EmitAtom(char.IsAsciiLetterOrDigit((char)codePoint) ? ((char)codePoint).ToString() : RangeItem.Escape(codePoint));
            }
        }

        private int ReadCodePoint()
        {
            if (char.IsHighSurrogate(pattern[_pos]) && _pos + 1 < pattern.Length && char.IsLowSurrogate(pattern[_pos + 1]))
            {
                var cp = char.ConvertToUtf32(pattern[_pos], pattern[_pos + 1]);
                _pos += 2;
                return cp;
            }

            return pattern[_pos++];
        }

        private void ParseGroupOpen()
        {
            var start = _out.Length;
            _pos++;
            if (_pos < pattern.Length && pattern[_pos] == '?')
            {
                _pos++;
                var rest = pattern.AsSpan(_pos);
                if (rest.StartsWith("#"))
                {
                    var end = pattern.IndexOf(')', _pos);
                    _pos = end < 0 ? throw Error("unterminated comment") : end + 1;
                    return;
                }

                string opener;
                if (rest.StartsWith(":") || rest.StartsWith("=") || rest.StartsWith("!") || rest.StartsWith(">"))
                {
                    opener = "(?" + rest[0];
                    _pos++;
                }
                else if (rest.StartsWith("<=") || rest.StartsWith("<!"))
                {
                    opener = "(?" + rest[..2].ToString();
                    _pos += 2;
                }
                else if (rest.StartsWith("<") || rest.StartsWith("P<"))
                {
                    var close = pattern.IndexOf('>', _pos);
                    if (close < 0)
                    {
                        throw Error("unterminated group name");
                    }

                    var nameStart = pattern.IndexOf('<', _pos) + 1;
                    opener = "(?<" + pattern[nameStart..close] + ">";
                    _pos = close + 1;
                }
                else
                {
                    // Inline options: (?imx-imx) for the rest of the group or (?imx-imx:...) scoped.
                    var sb = new StringBuilder("(?");
                    while (_pos < pattern.Length && pattern[_pos] is 'i' or 'm' or 'x' or '-')
                    {
                        // Ruby/Oniguruma 'm' is dot-all, .NET's 's'.
                        sb.Append(pattern[_pos] == 'm' ? 's' : pattern[_pos]);
                        _pos++;
                    }

                    if (_pos >= pattern.Length || pattern[_pos] is not (':' or ')'))
                    {
                        throw Error("unsupported group construct");
                    }

                    if (pattern[_pos] == ')')
                    {
                        _pos++;
                        _out.Append(sb).Append(')');
                        _lastAtomStart = -1;
                        return;
                    }

                    _pos++;
                    opener = sb.Append(':').ToString();
                }

                _out.Append(opener);
            }
            else
            {
                _out.Append('(');
            }

            _groupStarts.Push(start);
            _lastAtomStart = -1;
        }

        private bool IsInterval()
        {
            var i = _pos + 1;
            var digits = 0;
            while (i < pattern.Length && char.IsAsciiDigit(pattern[i]))
            {
                i++;
                digits++;
            }

            if (i < pattern.Length && pattern[i] == ',')
            {
                i++;
                while (i < pattern.Length && char.IsAsciiDigit(pattern[i]))
                {
                    i++;
                    digits++;
                }
            }

            return digits > 0 && i < pattern.Length && pattern[i] == '}';
        }

        private void ParseQuantifier()
        {
            if (_lastAtomStart < 0)
            {
                throw Error("quantifier without a preceding atom");
            }

            var atomStart = _lastAtomStart;
            var isInterval = pattern[_pos] == '{';
            if (isInterval)
            {
                var close = pattern.IndexOf('}', _pos);
                var body = pattern[(_pos + 1)..close];
                _out.Append('{').Append(body.StartsWith(',') ? "0" + body : body).Append('}');
                _pos = close + 1;
            }
            else
            {
                _out.Append(pattern[_pos++]);
            }

            if (_pos < pattern.Length && pattern[_pos] == '?')
            {
                _out.Append('?');
                _pos++;
            }
            else if (_pos < pattern.Length && pattern[_pos] == '+')
            {
                _pos++;
                if (isInterval)
                {
                    // Oniguruma syntax: "X{n,m}+" repeats the interval one or more times.
                    _out.Insert(atomStart, "(?:").Append(")+");
                }
                else
                {
                    _out.Insert(atomStart, "(?>").Append(')');
                }
            }

            // A quantified atom cannot be quantified again without a group.
            _lastAtomStart = -1;
        }

        private void ParseEscapeOutsideClass()
        {
            var next = Peek(1);
            switch (next)
            {
                case 'p' or 'P':
                case 's' or 'S' or 'd' or 'D' or 'w' or 'W':
                    EmitAtom(new CodePointClass(false, [ParseClassEscape()!]).ToDotNetAtom(surrogateAware));
                    return;
                case 'b' or 'B' or 'A' or 'z' or 'Z' or 'G':
                    _out.Append('\\').Append(next);
                    _pos += 2;
                    _lastAtomStart = -1;
                    return;
                case >= '1' and <= '9':
                    _lastAtomStart = _out.Length;
                    _out.Append('\\').Append(next);
                    _pos += 2;
                    return;
                default:
                    EmitLiteral(ParseLiteralEscape(inClass: false));
                    return;
            }
        }

        /// <summary>Parses an escape that stands for a class item, or returns null when it is a literal.</summary>
        private ClassItem? ParseClassEscape()
        {
            var letter = Peek(1);
            if (letter is 's' or 'S' or 'd' or 'D' or 'w' or 'W')
            {
                _pos += 2;
                return new ShorthandItem(letter);
            }

            if (letter is not ('p' or 'P'))
            {
                return null;
            }

            _pos += 2;
            string name;
            if (Peek(0) == '{')
            {
                var close = pattern.IndexOf('}', _pos);
                if (close < 0)
                {
                    throw Error("unterminated \\p{");
                }

                name = pattern[(_pos + 1)..close];
                _pos = close + 1;
            }
            else
            {
                name = pattern[_pos++].ToString();
            }

            var negated = letter == 'P';
            if (name.StartsWith('^'))
            {
                negated = !negated;
                name = name[1..];
            }

            return CategoryItem.TryCreate(name, negated) ?? throw Error($"unsupported Unicode property \\p{{{name}}} (only general categories have a .NET equivalent)");
        }

        private int ParseLiteralEscape(bool inClass)
        {
            var letter = Peek(1);
            _pos += 2;
            switch (letter)
            {
                case 't': return '\t';
                case 'n': return '\n';
                case 'r': return '\r';
                case 'f': return '\f';
                case 'v': return '\v';
                case 'a': return '\a';
                case 'e': return 0x1B;
                case 'b' when inClass: return '\b';
                case '0': return ReadDigits(8, 2, required: false);
                case 'x':
                    if (Peek(0) == '{')
                    {
                        _pos++;
                        var close = pattern.IndexOf('}', _pos);
                        var value = int.Parse(pattern.AsSpan(_pos, close - _pos), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                        _pos = close + 1;
                        return value;
                    }

                    return ReadDigits(16, 2, required: true);
                case 'u': return ReadDigits(16, 4, required: true);
                case '\0': throw Error("pattern ends with '\\'");
                default:
                    if (char.IsAsciiLetterOrDigit(letter))
                    {
                        throw Error($"unsupported escape \\{letter}");
                    }

                    _pos--;
                    return ReadCodePoint();
            }
        }

        private int ReadDigits(int radix, int maxDigits, bool required)
        {
            var value = 0;
            var count = 0;
            while (count < maxDigits && _pos < pattern.Length && Uri.IsHexDigit(pattern[_pos]))
            {
                var digit = Convert.ToInt32(pattern[_pos].ToString(), 16);
                if (digit >= radix)
                {
                    break;
                }

                value = (value * radix) + digit;
                _pos++;
                count++;
            }

            return count == 0 && required ? throw Error("escape without digits") : value;
        }

        private CodePointClass ParseClass()
        {
            _pos++;
            var negated = Peek(0) == '^';
            if (negated)
            {
                _pos++;
            }

            var items = new List<ClassItem>();
            var first = true;
            while (true)
            {
                if (_pos >= pattern.Length)
                {
                    throw Error("unterminated character class");
                }

                var c = pattern[_pos];
                if (c == ']' && !first)
                {
                    _pos++;
                    break;
                }

                first = false;
                if (c == '[')
                {
                    throw Error("nested or POSIX bracket classes are not supported");
                }

                if (c == '&' && Peek(1) == '&')
                {
                    throw Error("class intersection '&&' is not supported");
                }

                int low;
                if (c == '\\')
                {
                    var item = ParseClassEscape();
                    if (item is not null)
                    {
                        items.Add(item);
                        continue;
                    }

                    low = ParseLiteralEscape(inClass: true);
                }
                else
                {
                    low = ReadCodePoint();
                }

                var high = low;
                if (Peek(0) == '-' && Peek(1) is not (']' or '\0'))
                {
                    _pos++;
                    high = Peek(0) == '\\' ? ParseLiteralEscape(inClass: true) : ReadCodePoint();
                    if (high < low)
                    {
                        throw Error("reversed range in character class");
                    }
                }

                items.Add(new RangeItem(low, high));
            }

            return new CodePointClass(negated, items);
        }

        private char Peek(int offset) => _pos + offset < pattern.Length ? pattern[_pos + offset] : '\0';

        private TokenizerException Error(string problem) =>
            new($"Cannot translate the regex pattern {pattern} at position {_pos}: {problem}.");
    }
}
