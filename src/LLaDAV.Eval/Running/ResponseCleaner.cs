namespace LLaDAV.Eval.Running;

/// <summary>
/// lmms-eval's default reasoning stripping (<c>--reasoning_tags</c>, LMMS-EVAL.md §1.6 step 7): every
/// open…close block is removed; when only a closing tag is present, the text after the last one is kept; then the
/// result is <c>.strip()</c>ped, as every response is before <c>process_results</c> (step 8).
/// </summary>
public static class ResponseCleaner
{
    public static string Clean(string? response, IReadOnlyList<(string Open, string Close)> tags)
    {
        var text = response ?? "";
        foreach (var (open, close) in tags)
        {
            text = StripBlocks(text, open, close);
        }

        return Tasks.Common.PyStr.Strip(text);
    }

    private static string StripBlocks(string text, string open, string close)
    {
        while (true)
        {
            var start = text.IndexOf(open, StringComparison.Ordinal);
            if (start < 0)
            {
                break;
            }

            var end = text.IndexOf(close, start + open.Length, StringComparison.Ordinal);
            if (end < 0)
            {
                // An unclosed block runs to the end of the response: nothing after it is an answer.
                text = text[..start];
                break;
            }

            text = text[..start] + text[(end + close.Length)..];
        }

        var lastClose = text.LastIndexOf(close, StringComparison.Ordinal);
        return lastClose >= 0 ? text[(lastClose + close.Length)..] : text;
    }
}
