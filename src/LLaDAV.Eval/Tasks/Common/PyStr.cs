namespace LLaDAV.Eval.Tasks.Common;

/// <summary>
/// Python <c>str</c> semantics the ported rules rely on (docs/LMMS-EVAL.md §5 item 7): <c>strip(chars)</c> removes any
/// of the given characters from both ends; bare <c>strip()</c>/<c>split()</c> use Unicode whitespace.
/// </summary>
public static class PyStr
{
    /// <summary><c>s.strip(chars)</c>: leading and trailing characters that are in <paramref name="chars"/>.</summary>
    public static string Strip(string s, string chars)
    {
        int start = 0, end = s.Length;
        while (start < end && chars.Contains(s[start], StringComparison.Ordinal))
        {
            start++;
        }

        while (end > start && chars.Contains(s[end - 1], StringComparison.Ordinal))
        {
            end--;
        }

        return s[start..end];
    }

    /// <summary><c>s.strip()</c>: Python's whitespace set (str.isspace), which includes \x1c-\x1f unlike .NET's Trim.</summary>
    public static string Strip(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsSpace(s[start]))
        {
            start++;
        }

        while (end > start && IsSpace(s[end - 1]))
        {
            end--;
        }

        return s[start..end];
    }

    /// <summary><c>s.split()</c>: runs of whitespace separate, no empty pieces.</summary>
    public static string[] Split(string s)
    {
        var parts = new List<string>();
        var i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && IsSpace(s[i]))
            {
                i++;
            }

            var start = i;
            while (i < s.Length && !IsSpace(s[i]))
            {
                i++;
            }

            if (i > start)
            {
                parts.Add(s[start..i]);
            }
        }

        return [.. parts];
    }

    /// <summary>Python <c>str.isspace</c> for one character.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is '\x1c' or '\x1d' or '\x1e' or '\x1f';

    /// <summary>Python <c>str.isalpha</c> for one character (Unicode letters).</summary>
    public static bool IsAlpha(char c) => char.IsLetter(c);

    /// <summary>Python <c>str.lower()</c> (culture-invariant).</summary>
    public static string Lower(string s) => s.ToLowerInvariant();

    /// <summary>
    /// Python <c>len(s.upper())</c>: code points (not UTF-16 units) after full Unicode upper-casing, where SpecialCasing
    /// turns one character into two ('ß' → "SS", 'ﬁ' → "FI") or three ('ΐ', 'ﬃ'). lmms-eval's ANLS divides by this
    /// length (api/metrics.py anls). The tables are every code point with a longer upper case in Python 3.11
    /// (Unicode 14.0); all are in the BMP.
    /// </summary>
    public static int UpperLength(string s)
    {
        var n = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            n += rune.IsBmp && UpperToThree.Contains((char)rune.Value, StringComparison.Ordinal) ? 3
                : rune.IsBmp && UpperToTwo.Contains((char)rune.Value, StringComparison.Ordinal) ? 2
                : 1;
        }

        return n;
    }

    /// <summary>The string's code points (Python indexes strings by code point; .NET by UTF-16 unit).</summary>
    public static int[] CodePoints(string s) => [.. s.EnumerateRunes().Select(r => r.Value)];

    private const string UpperToTwo = "\u00DF\u0149\u01F0\u0587\u1E96\u1E97\u1E98\u1E99\u1E9A\u1F50\u1F80\u1F81\u1F82\u1F83\u1F84\u1F85\u1F86\u1F87\u1F88\u1F89\u1F8A\u1F8B\u1F8C\u1F8D\u1F8E\u1F8F\u1F90\u1F91\u1F92\u1F93\u1F94\u1F95\u1F96\u1F97\u1F98\u1F99\u1F9A\u1F9B\u1F9C\u1F9D\u1F9E\u1F9F\u1FA0\u1FA1\u1FA2\u1FA3\u1FA4\u1FA5\u1FA6\u1FA7\u1FA8\u1FA9\u1FAA\u1FAB\u1FAC\u1FAD\u1FAE\u1FAF\u1FB2\u1FB3\u1FB4\u1FB6\u1FBC\u1FC2\u1FC3\u1FC4\u1FC6\u1FCC\u1FD6\u1FE4\u1FE6\u1FF2\u1FF3\u1FF4\u1FF6\u1FFC\uFB00\uFB01\uFB02\uFB05\uFB06\uFB13\uFB14\uFB15\uFB16\uFB17";

    private const string UpperToThree = "\u0390\u03B0\u1F52\u1F54\u1F56\u1FB7\u1FC7\u1FD2\u1FD3\u1FD7\u1FE2\u1FE3\u1FE7\u1FF7\uFB03\uFB04";
}
