using System.Globalization;
using System.Text;

namespace LLaDAV.Eval.Errors;

/// <summary>
/// Text from data on its way to a terminal or a log (issue 23 §6): judge error bodies, dataset fields shown by
/// <c>render</c>, paths named in errors. Control characters are shown as escapes (<c>\x1b</c>, <c>\u009b</c>) so a
/// crafted field cannot clear the screen, retitle the window or plant an OSC 8 link; line feeds and tabs stay when
/// the caller keeps layout (<paramref name="keepLayout"/>).
/// </summary>
public static class Terminal
{
    public static string Escape(string? text, bool keepLayout = false)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(c => NeedsEscape(c, keepLayout)))
        {
            return text ?? "";
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!NeedsEscape(c, keepLayout))
            {
                sb.Append(c);
            }
            else if (c < 0x100)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
        }

        return sb.ToString();
    }

    // C0 and C1 controls and DEL; the bidirectional overrides (U+202A-202E, U+2066-2069) reorder what a terminal shows.
    private static bool NeedsEscape(char c, bool keepLayout) =>
        (char.IsControl(c) && !(keepLayout && c is '\n' or '\t')) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
}

/// <summary>
/// Secrets out of URLs before they are written (manifest, judge.json, judge cache) or printed (issue 23 §6): the
/// user-info password of <c>https://user:pass@host/</c> becomes <c>***</c>. HttpClient never sends user-info, so the
/// redacted URL reaches the same endpoint in the same way, and a resumed run (configured from its manifest) calls it
/// exactly as the first did.
/// </summary>
public static class Redact
{
    /// <summary>
    /// <c>--model-args</c> without its <c>api_key=...</c> entries (a served model's key, issue 25 §1): what the manifest,
    /// results and logs record. A resumed run (configured from its manifest) then reads the key from
    /// <c>$OPENAI_API_KEY</c> or a fresh <c>--model-args</c>, and the resume check does not see a rotated key as a change.
    /// </summary>
    public static string? ModelArgs(string? modelArgs)
    {
        if (string.IsNullOrEmpty(modelArgs) || !modelArgs.Contains("api_key", StringComparison.Ordinal))
        {
            return modelArgs;
        }

        return string.Join(",", modelArgs.Split(',').Where(part => !part.TrimStart().StartsWith("api_key=", StringComparison.Ordinal) && part.Trim() != "api_key"));
    }

    /// <summary>The URL with its user-info password replaced by <c>***</c>; anything else unchanged.</summary>
    public static string Url(string? url)
    {
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.IndexOf(':', StringComparison.Ordinal) < 0)
        {
            return url ?? "";
        }

        var at = url.IndexOf(uri.UserInfo + "@", StringComparison.Ordinal);
        var user = uri.UserInfo[..uri.UserInfo.IndexOf(':', StringComparison.Ordinal)];
        return at < 0 ? new UriBuilder(uri) { Password = "***" }.Uri.ToString() : url[..at] + user + ":***@" + url[(at + uri.UserInfo.Length + 1)..];
    }
}
