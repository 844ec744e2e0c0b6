using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>One member of a character class: a code-point range, a Unicode general category or a shorthand.</summary>
internal abstract record ClassItem
{
    /// <summary>Whether the item holds <paramref name="codePoint"/>, by .NET's Unicode tables.</summary>
    public abstract bool Contains(int codePoint);

    /// <summary>The item in .NET character-class syntax.</summary>
    public abstract string ToDotNet();
}

internal sealed record RangeItem(int Low, int High) : ClassItem
{
    public override bool Contains(int codePoint) => codePoint >= Low && codePoint <= High;

    public override string ToDotNet()
    {
        // Supplementary bounds never reach the BMP class: the supplementary part is emitted separately.
        if (Low > 0xFFFF)
        {
            return string.Empty;
        }

        var high = Math.Min(High, 0xFFFF);
        return Low == high ? Escape(Low) : Escape(Low) + "-" + Escape(high);
    }

    internal static string Escape(int c) => "\\u" + c.ToString("X4", CultureInfo.InvariantCulture);
}

internal sealed record CategoryItem(string Name, bool Negated, UnicodeCategory[] Categories) : ClassItem
{
    public override bool Contains(int codePoint) =>
        Array.IndexOf(Categories, CharUnicodeInfo.GetUnicodeCategory(codePoint)) >= 0 != Negated;

    public override string ToDotNet() => (Negated ? "\\P{" : "\\p{") + Name + "}";

    /// <summary>Resolves a property name as Oniguruma spells general categories (short or long form).</summary>
    public static CategoryItem? TryCreate(string name, bool negated)
    {
        var shortName = name switch
        {
            "Letter" => "L",
            "Mark" => "M",
            "Number" => "N",
            "Punctuation" => "P",
            "Symbol" => "S",
            "Separator" => "Z",
            "Other" => "C",
            _ => name,
        };
        var categories = Enum.GetValues<UnicodeCategory>().Where(c => Abbreviation(c).StartsWith(shortName, StringComparison.Ordinal)).ToArray();
        var known = shortName.Length is 1 or 2 && categories.Length > 0 && (shortName.Length == 1 || categories.Length == 1);
        return known ? new CategoryItem(shortName, negated, categories) : null;
    }

    private static string Abbreviation(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => "Lu",
        UnicodeCategory.LowercaseLetter => "Ll",
        UnicodeCategory.TitlecaseLetter => "Lt",
        UnicodeCategory.ModifierLetter => "Lm",
        UnicodeCategory.OtherLetter => "Lo",
        UnicodeCategory.NonSpacingMark => "Mn",
        UnicodeCategory.SpacingCombiningMark => "Mc",
        UnicodeCategory.EnclosingMark => "Me",
        UnicodeCategory.DecimalDigitNumber => "Nd",
        UnicodeCategory.LetterNumber => "Nl",
        UnicodeCategory.OtherNumber => "No",
        UnicodeCategory.SpaceSeparator => "Zs",
        UnicodeCategory.LineSeparator => "Zl",
        UnicodeCategory.ParagraphSeparator => "Zp",
        UnicodeCategory.Control => "Cc",
        UnicodeCategory.Format => "Cf",
        UnicodeCategory.Surrogate => "Cs",
        UnicodeCategory.PrivateUse => "Co",
        UnicodeCategory.ConnectorPunctuation => "Pc",
        UnicodeCategory.DashPunctuation => "Pd",
        UnicodeCategory.OpenPunctuation => "Ps",
        UnicodeCategory.ClosePunctuation => "Pe",
        UnicodeCategory.InitialQuotePunctuation => "Pi",
        UnicodeCategory.FinalQuotePunctuation => "Pf",
        UnicodeCategory.OtherPunctuation => "Po",
        UnicodeCategory.MathSymbol => "Sm",
        UnicodeCategory.CurrencySymbol => "Sc",
        UnicodeCategory.ModifierSymbol => "Sk",
        UnicodeCategory.OtherSymbol => "So",
        UnicodeCategory.OtherNotAssigned => "Cn",
        _ => "?",
    };
}

/// <summary>
/// The shorthands <c>\s \S \d \D \w \W</c>. With a Unicode encoding Oniguruma gives <c>\s</c> the White_Space
/// property (equal to .NET's <c>[\t-\r\x85\p{Z}]</c>) and <c>\d</c> the Nd category; <c>\w</c> follows .NET's
/// definition (letters, Mn, Nd, Pc) so that the BMP and supplementary parts of a class agree.
/// </summary>
internal sealed record ShorthandItem(char Letter) : ClassItem
{
    public override bool Contains(int codePoint)
    {
        var lower = char.ToLowerInvariant(Letter);
        var positive = lower switch
        {
            's' => codePoint <= 0xFFFF && char.IsWhiteSpace((char)codePoint),
            'd' => CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.DecimalDigitNumber,
            _ => IsWordCategory(CharUnicodeInfo.GetUnicodeCategory(codePoint)),
        };
        return positive == (lower == Letter);
    }

    public override string ToDotNet() => "\\" + Letter;

    private static bool IsWordCategory(UnicodeCategory c) =>
        c is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation;
}

/// <summary>
/// A character class of the source pattern, matched one code point at a time as Oniguruma does on UTF-8.
/// .NET's regex engine works on UTF-16 code units, so a class is emitted as its BMP part (surrogates removed) plus,
/// when asked, alternatives of surrogate pairs for the supplementary code points it holds: without them an emoji or a
/// supplementary letter would match as two "characters" of category Cs and split pre-tokens differently.
/// </summary>
internal sealed record CodePointClass(bool Negated, IReadOnlyList<ClassItem> Items)
{
    private static readonly ConcurrentDictionary<string, string> s_supplementaryCache = new(StringComparer.Ordinal);

    /// <summary>Any code point but <c>\n</c> (Oniguruma's <c>.</c> without the multiline option).</summary>
    public static CodePointClass AnyButNewline { get; } = new(true, [new RangeItem('\n', '\n')]);

    public bool Contains(int codePoint)
    {
        var any = false;
        foreach (var item in Items)
        {
            if (item.Contains(codePoint))
            {
                any = true;
                break;
            }
        }

        return any != Negated;
    }

    /// <summary>The class as a .NET regex atom matching exactly one code point.</summary>
    public string ToDotNetAtom(bool surrogateAware)
    {
        var bmp = BmpClass();
        if (!surrogateAware)
        {
            return bmp;
        }

        var supplementary = s_supplementaryCache.GetOrAdd(bmp, _ => SupplementaryAlternatives());
        return supplementary.Length == 0 ? bmp : "(?:" + bmp + "|" + supplementary + ")";
    }

    private string BmpClass()
    {
        var sb = new StringBuilder("[");
        if (Negated)
        {
            sb.Append('^');
        }

        foreach (var item in Items)
        {
            sb.Append(item.ToDotNet());
        }

        // An empty positive class matches nothing; .NET rejects "[]" so give it a member that is then subtracted.
        if (sb.Length == (Negated ? 2 : 1))
        {
            sb.Append("\\uD800");
        }

        return sb.Append("-[\\uD800-\\uDFFF]]").ToString();
    }

    private string SupplementaryAlternatives()
    {
        var highsByLowSet = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        var lows = new StringBuilder();
        for (var high = 0xD800; high <= 0xDBFF; high++)
        {
            lows.Clear();
            var runStart = -1;
            for (var low = 0xDC00; low <= 0xE000; low++)
            {
                var member = low <= 0xDFFF && Contains(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
                if (member && runStart < 0)
                {
                    runStart = low;
                }
                else if (!member && runStart >= 0)
                {
                    lows.Append(new RangeItem(runStart, low - 1).ToDotNet());
                    runStart = -1;
                }
            }

            if (lows.Length == 0)
            {
                continue;
            }

            var key = lows.ToString();
            if (!highsByLowSet.TryGetValue(key, out var highs))
            {
                highsByLowSet[key] = highs = [];
                order.Add(key);
            }

            highs.Add(high);
        }

        var alternatives = new List<string>(order.Count);
        foreach (var key in order)
        {
            var highs = highsByLowSet[key];
            var highClass = new StringBuilder("[");
            for (var i = 0; i < highs.Count;)
            {
                var j = i;
                while (j + 1 < highs.Count && highs[j + 1] == highs[j] + 1)
                {
                    j++;
                }

                highClass.Append(new RangeItem(highs[i], highs[j]).ToDotNet());
                i = j + 1;
            }

            alternatives.Add(highClass.Append(']') + "[" + key + "]");
        }

        return string.Join('|', alternatives);
    }
}
