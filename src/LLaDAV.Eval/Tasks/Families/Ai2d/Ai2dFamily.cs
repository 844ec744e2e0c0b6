using System.Collections.Immutable;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Ai2d;

/// <summary>AI2D (<c>ai2d</c>) hooks, ported from lmms-eval 75571cf <c>tasks/ai2d/utils.py</c> (docs/LMMS-EVAL.md §2.9).</summary>
public sealed class Ai2dFamily : ITaskFamily
{
    /// <summary>The ai2d.yaml metric_list arguments of <c>exact_match</c>.</summary>
    public static readonly ImmutableSortedDictionary<string, object?> ExactMatchArgs =
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create<string, object?>("ignore_case", true), KeyValuePair.Create<string, object?>("ignore_punctuation", true)]);

    public string Name => "ai2d";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("ai2d.doc_to_text", DocToText);
        hooks.AddDocToVisual("ai2d.doc_to_visual", (doc, _) => [ImageRef.FromColumn(doc, "image")]);
        hooks.AddDocToTarget("ai2d.doc_to_target", DocToTarget);
        hooks.AddFilter("ai2d.MultiChoiceRegexFilter", (r, _, _) => LeadingLetterFilter.Apply(r));
        hooks.AddProcessResults("ai2d.process_results", ProcessResults, "exact_match");
    }

    /// <summary>
    /// <c>ai2d_doc_to_text</c>, <c>prompt_format: mcq</c>: <c>{pre_prompt}{question}\n{A. o1\nB. o2…}{post_prompt}</c>.
    /// (<c>qa</c> and <c>mcq_xcomposer</c> serve the qwen_vl / xcomposer2_4khd wrappers, which this harness does not have.)
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var format = kwargs.GetString("prompt_format");
        if (format != "mcq")
        {
            throw new ConfigException($"ai2d: prompt_format '{format}' is not supported; the ai2d.yaml kwargs must say prompt_format: mcq.");
        }

        var options = Options(doc);
        var choices = string.Join("\n", options.Select((o, i) => $"{(char)('A' + i)}. {o}"));
        return $"{kwargs.GetString("pre_prompt")}{doc.RequireString("question")}\n{choices}{kwargs.GetString("post_prompt")}";
    }

    /// <summary><c>ai2d_doc_to_target</c> with target kwargs "mcq": the letter <c>chr(65 + int(answer))</c>.</summary>
    public static object DocToTarget(Doc doc)
    {
        var index = int.Parse(Common.PyStr.Strip(doc.RequireString("answer")), System.Globalization.CultureInfo.InvariantCulture);
        var options = Options(doc);
        return index >= 0 && index < options.Count
            ? ((char)('A' + index)).ToString()
            : throw new InvalidDataException($"ai2d: answer index {index} is outside the {options.Count} options of a row in {doc.SourceFile}.");
    }

    /// <summary>
    /// Upstream has no process_results: the built-in <c>exact_match</c> (ignore_case, ignore_punctuation) scores the
    /// <c>flexible-extract</c> output. This hook computes exactly that metric and adds the extraction diagnostics.
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var gold = (string)DocToTarget(doc);
        var score = BuiltinMetrics.ExactMatch(response, gold, ExactMatchArgs);
        return SampleScore.Of(LeadingLetterFilter.Classify("ai2d", response, ignorePunctuation: true), ("exact_match", score));
    }

    internal static IReadOnlyList<string> Options(Doc doc) => doc["options"] switch
    {
        IReadOnlyList<object?> list => [.. list.Select(x => Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture) ?? "")],
        _ => throw new InvalidDataException($"Column 'options' in {doc.SourceFile} must be a list of strings."),
    };
}
