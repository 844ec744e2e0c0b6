using System.Collections.Immutable;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Families.Mmmu;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.MmmuPro;

/// <summary>
/// MMMU-Pro (<c>mmmu_pro_standard</c>, <c>mmmu_pro_vision</c>) hooks, ported from lmms-eval 75571cf
/// <c>tasks/mmmu_pro/utils.py</c> (docs/LMMS-EVAL.md §2.2). A row with a <c>question</c> column is a standard row
/// (question + 10 options as text); a vision row carries the whole question in its screenshot.
/// </summary>
public sealed class MmmuProFamily : ITaskFamily
{
    public string Name => "mmmu_pro";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("mmmu_pro.doc_to_text", DocToText);
        hooks.AddDocToVisual("mmmu_pro.doc_to_visual", DocToVisual);
        hooks.AddProcessResults("mmmu_pro.process_results", ProcessResults, "mmmu_acc");
        hooks.AddAggregation("mmmu_pro.aggregate_results", (items, _) => Aggregate(items));
    }

    private static bool IsStandard(Doc doc) => doc.ContainsKey("question") && doc.ContainsKey("options");

    /// <summary>
    /// <c>mmmu_pro_doc_to_text</c>: standard → <c>{question}\n{A. o1\n…J. o10}\n\n{post_prompt}</c> (<c>construct_prompt</c>,
    /// <c>&lt;image k&gt;</c> tags kept as interleaved_format is false); vision → just <c>{post_prompt}</c>.
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var post = kwargs.GetString("post_prompt", "Answer with the option letter from the given choices directly.");
        return IsStandard(doc) ? ConstructPrompt(doc, post) : post;
    }

    private static string ConstructPrompt(Doc doc, string post)
    {
        var options = PyLiteral.ParseStringList(doc.RequireString("options"));
        var lettered = string.Join("\n", options.Select((o, i) => $"{(char)('A' + i)}. {o}"));
        return $"{doc.RequireString("question")}\n{lettered}\n\n{post}";
    }

    /// <summary>
    /// <c>mmmu_pro_doc_to_visual</c>: standard → the unique <c>&lt;image k&gt;</c> tags of the prompt sorted as strings,
    /// read from <c>image_k</c>; vision → <c>[doc["image"]]</c>.
    /// </summary>
    public static IReadOnlyList<VisualRef> DocToVisual(Doc doc, PromptKwargs kwargs)
    {
        if (!IsStandard(doc))
        {
            return [ImageRef.FromColumn(doc, "image")];
        }

        return MmmuParsing.ImagesNamedIn(doc, ConstructPrompt(doc, "Answer with the option letter from the given choices directly."));
    }

    /// <summary>
    /// <c>mmmu_pro_process_results</c>: standard → MMMU's <c>parse_multi_choice_response</c> over the parsed options
    /// (its random choice when nothing matches, drawn from the doc seed); vision → no parsing at all: the stripped
    /// response must equal the gold letter exactly ("A" right, "A." wrong; docs/LMMS-EVAL.md §2.2, §5 item 5).
    /// </summary>
    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        string parsed;
        Extraction extraction;
        if (IsStandard(doc))
        {
            (parsed, extraction) = MmmuParsing.ParseMultiChoiceOrDraw(response, PyLiteral.ParseStringList(doc.RequireString("options")), context.DocSeed);
        }
        else
        {
            parsed = PyStr.Strip(response);
            var isLetter = parsed.Length == 1 && parsed[0] is >= 'A' and <= 'Z';
            extraction = new Extraction("mmmu_pro.raw_equality", isLetter ? ExtractionStatus.Parsed : ExtractionStatus.Unparseable, parsed);
        }

        return SampleScore.Of(extraction, ("mmmu_acc", new JsonObject
        {
            ["id"] = doc.RequireString("id"),
            ["subject"] = doc.RequireString("subject"),
            ["answer"] = doc.RequireString("answer"),
            ["parsed_pred"] = parsed,
        }));
    }

    /// <summary>
    /// <c>mmmu_pro_aggregate_results</c>: accuracy per subject (<c>evaluate_mmmu</c>: exact string equality), domain
    /// roll-ups as MMMU's, and the overall instance-level accuracy Σcorrect/Σn rounded to 5 places.
    /// </summary>
    public static AggregationResult Aggregate(IReadOnlyList<JsonNode?> items)
    {
        var order = new List<string>();
        var bySubject = new Dictionary<string, (int Correct, int Count)>(StringComparer.Ordinal);
        foreach (var item in items.OfType<JsonObject>())
        {
            var subject = (string)item["subject"]!;
            var correct = (string?)item["answer"] == (string?)item["parsed_pred"] ? 1 : 0;
            if (!bySubject.TryGetValue(subject, out var s))
            {
                order.Add(subject);
            }

            bySubject[subject] = (s.Correct + correct, s.Count + 1);
        }

        if (order.Count == 0)
        {
            return AggregationResult.Of(null);
        }

        var breakdown = ImmutableArray.CreateBuilder<KeyValuePair<string, double>>();
        foreach (var (domain, subjects) in MmmuDomains.DomainToSubjects)
        {
            var present = subjects.Where(bySubject.ContainsKey).ToList();
            breakdown.Add(new("Overall-" + domain, InstanceLevel(present.Select(s => bySubject[s]))));
            breakdown.AddRange(present.Select(s => new KeyValuePair<string, double>(s, PyFloat.Round((double)bySubject[s].Correct / bySubject[s].Count, 5))));
        }

        // Subjects outside DOMAIN_CAT2SUB_CAT count in the overall figure only, as upstream; listed for inspection.
        var known = MmmuDomains.DomainToSubjects.SelectMany(d => d.Subjects).ToHashSet(StringComparer.Ordinal);
        breakdown.AddRange(order.Where(s => !known.Contains(s)).Select(s => new KeyValuePair<string, double>(s, PyFloat.Round((double)bySubject[s].Correct / bySubject[s].Count, 5))));
        return new AggregationResult(InstanceLevel(order.Select(s => bySubject[s])), breakdown.ToImmutable());
    }

    /// <summary><c>calculate_ins_level_acc</c>: Σ(acc·n)/Σn (0 for no samples), rounded to 5 places.</summary>
    private static double InstanceLevel(IEnumerable<(int Correct, int Count)> groups)
    {
        double weighted = 0;
        var total = 0;
        foreach (var (correct, count) in groups)
        {
            weighted += (double)correct / count * count;
            total += count;
        }

        return total == 0 ? 0 : PyFloat.Round(weighted / total, 5);
    }

}
