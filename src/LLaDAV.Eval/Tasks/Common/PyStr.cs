namespace LLaDAV.Eval.Tasks.Common;

/// <summary>
/// Python <c>str</c> semantics the ported rules rely on (LMMS-EVAL.md §5 item 7): <c>strip(chars)</c> removes any
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
}
