using System.Collections.Immutable;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks.Families.Mmmu;

/// <summary>
/// MMMU (<c>mmmu_val</c>) hooks, ported from lmms-eval 75571cf <c>tasks/mmmu/utils.py</c> (docs/LMMS-EVAL.md §2.1).
/// </summary>
public sealed class MmmuFamily : ITaskFamily
{
    public string Name => "mmmu";

    public void Register(HookRegistry hooks)
    {
        hooks.AddDocToText("mmmu.doc_to_text", DocToText);
        hooks.AddDocToVisual("mmmu.doc_to_visual", DocToVisual);
        hooks.AddProcessResults("mmmu.process_results", ProcessResults, "mmmu_acc", "mmmu_acc_pass_at_k", "submission");
        hooks.AddAggregation("mmmu.aggregate_results", (items, _) => Aggregate(items));
        hooks.AddAggregation("mmmu.test_aggregate_results_for_submission", (items, _) => AggregateForSubmission(items));
    }

    /// <summary>
    /// <c>construct_prompt</c>: MC → <c>{question}\n{A. opt\nB. opt…}\n\n{multiple_choice_prompt}</c>; open →
    /// <c>{question}\n\n{open_ended_prompt}</c>. <c>&lt;image k&gt;</c> tags stay (interleaved_format: false).
    /// </summary>
    public static string DocToText(Doc doc, PromptKwargs kwargs)
    {
        var question = doc.RequireString("question");
        if (doc.GetString("question_type") == "multiple-choice")
        {
            var options = PyLiteral.ParseStringList(doc.RequireString("options"));
            var lettered = string.Join("\n", options.Select((o, i) => $"{(char)('A' + i)}. {o}"));
            return $"{question}\n{lettered}\n\n{kwargs.GetString("multiple_choice_prompt")}";
        }

        return $"{question}\n\n{kwargs.GetString("open_ended_prompt")}";
    }

    /// <summary>The <c>&lt;image k&gt;</c> tags of the prompt, unique, sorted as strings, as <c>image_k</c> columns.</summary>
    public static IReadOnlyList<VisualRef> DocToVisual(Doc doc, PromptKwargs kwargs)
    {
        return MmmuParsing.ImagesNamedIn(doc, DocToText(doc, kwargs));
    }

    public static SampleScore ProcessResults(Doc doc, string response, ScoringContext context)
    {
        var id = doc.RequireString("id");
        var questionType = doc.RequireString("question_type");
        JsonNode parsed;
        Extraction extraction;
        string submitted;
        if (questionType == "multiple-choice")
        {
            (var pick, extraction) = MmmuParsing.ParseMultiChoiceOrDraw(response, PyLiteral.ParseStringList(doc.RequireString("options")), context.DocSeed);
            // 75571cf: parsed_preds = [parsed_pred] (a list, which evaluate_mmmu iterates); the paper's fork kept the string.
            parsed = context.Rules == ScoringRules.Current ? new JsonArray(pick) : pick;
            submitted = pick;
        }
        else
        {
            var preds = MmmuParsing.ParseOpen(response);
            var candidates = new JsonArray([.. preds.Select(p => p switch
            {
                MmmuParsing.NumberNorm n => JsonValue.Create(n.Value),
                MmmuParsing.TextNorm t => (JsonNode)JsonValue.Create(t.Value),
                _ => null,
            })]);
            extraction = Extraction.Direct("mmmu.parse_open_response", candidates.ToJsonString());

            // `str(parsed_pred[0]) if parsed_pred else ""`. Upstream's list comes from set(), so with several
            // candidates its first one depends on PYTHONHASHSEED; ours is the first found (deterministic).
            submitted = preds.Count == 0 ? "" : preds[0] switch
            {
                MmmuParsing.NumberNorm n => PyFloat.Repr(n.Value),
                MmmuParsing.TextNorm t => t.Value,
                _ => "",
            };

            // `parsed_preds` (one entry per response). 75571cf appends the string `str(parsed_pred[0])` (since
            // 736454b5, 2025-06-23), which eval_open then iterates character by character (UpstreamQuirk); the
            // paper's fork appended the candidate list itself, which eval_open iterates candidate by candidate.
            if (context.Rules == ScoringRules.Current)
            {
                parsed = new JsonArray(submitted);
                extraction = extraction with { Quirk = UpstreamQuirk.MmmuOpenCharacters.Id };
            }
            else
            {
                parsed = new JsonArray(candidates);
            }
        }

        var accuracy = new JsonObject
        {
            ["id"] = id,
            ["subdomain"] = SubsetName(id),
            ["question_type"] = questionType,
            ["answer"] = AnswerNode(doc["answer"]),
            ["parsed_pred"] = parsed,
        };
        // 75571cf returns the same dict under mmmu_acc_pass_at_k too (no metric aggregates it; lmms-eval still logs it).
        return context.Rules == ScoringRules.Current
            ? SampleScore.Of(extraction, ("mmmu_acc", accuracy), ("mmmu_acc_pass_at_k", accuracy.DeepClone()), ("submission", new JsonObject { [id] = submitted }))
            : SampleScore.Of(extraction, ("mmmu_acc", accuracy), ("submission", new JsonObject { [id] = submitted }));
    }

    /// <summary>
    /// <c>mmmu_aggregate_results</c>: accuracy per subject (<c>evaluate_mmmu</c>), domain roll-ups, and the
    /// instance-level overall Σcorrect/Σn, rounded to 5 places.
    /// </summary>
    public static AggregationResult Aggregate(IReadOnlyList<JsonNode?> items)
    {
        var bySubject = new Dictionary<string, (int Correct, int Count)>(StringComparer.Ordinal);
        foreach (var item in items.OfType<JsonObject>())
        {
            var subject = (string)item["subdomain"]!;
            var correct = IsCorrect(item) ? 1 : 0;
            bySubject[subject] = bySubject.TryGetValue(subject, out var s) ? (s.Correct + correct, s.Count + 1) : (correct, 1);
        }

        if (bySubject.Count == 0)
        {
            return AggregationResult.Of(null);
        }

        var breakdown = ImmutableArray.CreateBuilder<KeyValuePair<string, double>>();
        foreach (var (domain, subjects) in MmmuDomains.DomainToSubjects)
        {
            var present = subjects.Where(bySubject.ContainsKey).ToList();
            if (present.Count == 0)
            {
                continue;
            }

            breakdown.Add(new(domain, InstanceLevel(present.Select(s => bySubject[s]))));
            breakdown.AddRange(present.Select(s => new KeyValuePair<string, double>(s, PyFloat.Round((double)bySubject[s].Correct / bySubject[s].Count, 5))));
        }

        var overall = InstanceLevel(bySubject.Values);
        return new AggregationResult(overall, breakdown.ToImmutable());
    }

    /// <summary>Where MMMU's test answers are scored (the MMMU benchmark's EvalAI challenge).</summary>
    public const string TestUpload = "https://eval.ai/web/challenges/challenge-page/2179/overview";

    /// <summary>
    /// <c>mmmu_test_aggregate_results_for_submission</c> (lmms-eval 75571cf tasks/mmmu/utils.py): the per-sample
    /// <c>{id: parsed_pred}</c> dicts merged into one, <c>json.dump</c>ed to <c>mmmu_test_for_submission.json</c>;
    /// returns no score.
    /// </summary>
    public static AggregationResult AggregateForSubmission(IReadOnlyList<JsonNode?> items)
    {
        var merged = new JsonObject();
        foreach (var item in items.OfType<JsonObject>())
        {
            var (key, value) = item.First();
            merged[key] = value?.DeepClone();
        }

        return new AggregationResult(null, []) { Submission = new SubmissionFile("mmmu_test_for_submission.json", System.Text.Encoding.UTF8.GetBytes(PythonJson.Dumps(merged, ensureAscii: true)), TestUpload) };
    }

    /// <summary><c>calculate_ins_level_acc</c>: Σ(acc·n)/Σn, rounded to 5 places as the aggregation returns it.</summary>
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

    /// <summary><c>eval_multi_choice</c> (gold == pred, any of a gold list) or <c>eval_open</c>.</summary>
    public static bool IsCorrect(JsonObject item)
    {
        var gold = item["answer"];
        var golds = gold is JsonArray arr ? arr.Select(g => (string)g!).ToList() : [(string)gold!];
        if ((string)item["question_type"]! == "multiple-choice")
        {
            // evaluate_mmmu: for pred_i in parsed_pred (75571cf: a list; the fork's string is one pred).
            var preds = item["parsed_pred"] is JsonArray list ? list.Select(p => (string?)p).ToList() : [(string?)item["parsed_pred"]];
            return preds.Any(p => p is not null && golds.Contains(p, StringComparer.Ordinal));
        }

        // `evaluate_mmmu`: `for pred_i in sample["parsed_pred"]`, and eval_open's `for pred in pred_i` iterates
        // whatever pred_i is: a candidate list (--scoring 2025) or a string, i.e. its characters (current).
        foreach (var predI in item["parsed_pred"]!.AsArray())
        {
            IReadOnlyList<MmmuParsing.Norm> preds = predI switch
            {
                JsonArray list => [.. list.Select(Norm)],
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String =>
                    [.. v.GetValue<string>().EnumerateRunes().Select(r => (MmmuParsing.Norm)new MmmuParsing.TextNorm(r.ToString()))],
                _ => [Norm(predI)],
            };
            if (MmmuParsing.EvalOpen(golds, preds))
            {
                return true;
            }
        }

        return false;
    }

    private static MmmuParsing.Norm Norm(JsonNode? p) => p!.GetValueKind() == System.Text.Json.JsonValueKind.Number
        ? new MmmuParsing.NumberNorm(p.GetValue<double>())
        : new MmmuParsing.TextNorm(p.GetValue<string>());

    /// <summary><c>extract_subset_name</c>: <c>^{split}_(.+?)_\d+$</c> on the id, split = text before the first '_'.</summary>
    public static string SubsetName(string id)
    {
        var split = id.Split('_')[0];
        var m = Regex.Match(id, $"^{Regex.Escape(split)}_(.+?)_\\d+$", RegexOptions.None, TimeSpan.FromSeconds(1));
        return m.Success ? m.Groups[1].Value : throw new FormatException($"MMMU id '{id}' does not look like <split>_<Subject>_<n>.");
    }

    private static JsonNode? AnswerNode(object? answer) => answer switch
    {
        IReadOnlyList<object?> list => new JsonArray([.. list.Select(x => (JsonNode?)JsonValue.Create(Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture)))]),
        null => null,
        _ => JsonValue.Create(Convert.ToString(answer, System.Globalization.CultureInfo.InvariantCulture)),
    };
}
