namespace LLaDAV.Eval.Running;

/// <summary>
/// lmms-eval's reasoning stripping, ported from 75571cf <c>lmms_eval/api/reasoning.py</c>
/// <c>strip_reasoning_tags</c> (docs/LMMS-EVAL.md §1.6 step 7). The evaluator applies it to each FILTERED response
/// (<c>evaluator.py</c> <c>evaluate</c>, "Strip reasoning tags before scoring"), after the filters have read the raw
/// one; <see cref="SampleScorer"/> keeps that order.
/// </summary>
public static class ResponseCleaner
{
    /// <summary>
    /// Per tag pair: while both tags occur, cut from the first opening tag to the first closing tag after it; an
    /// opening tag with no closing tag after it stays (upstream leaves it "untouched"); then, when a closing tag is
    /// left and no opening tag, keep the text after the last closing tag (chat templates that prefill the opening
    /// tag). The result is <c>.strip()</c>ped.
    /// </summary>
    public static string Clean(string? response, IReadOnlyList<(string Open, string Close)> tags)
    {
        var result = response ?? "";
        foreach (var (open, close) in tags)
        {
            while (result.Contains(open, StringComparison.Ordinal) && result.Contains(close, StringComparison.Ordinal))
            {
                var start = result.IndexOf(open, StringComparison.Ordinal);
                // `result.find(end_tag, start)`: searched from the opening tag's first character, as upstream does.
                var end = result.IndexOf(close, start, StringComparison.Ordinal);
                if (end < 0)
                {
                    break;
                }

                result = result[..start] + result[(end + close.Length)..];
            }

            if (result.Contains(close, StringComparison.Ordinal) && !result.Contains(open, StringComparison.Ordinal))
            {
                // `result.rsplit(end_tag, 1)[-1]`
                result = result[(result.LastIndexOf(close, StringComparison.Ordinal) + close.Length)..];
            }
        }

        return Tasks.Common.PyStr.Strip(result);
    }
}
