using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Common;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Running;

/// <summary>
/// Scores one response into its journal entry: reasoning stripped and <c>.strip()</c>ped, each filter ensemble
/// applied, <c>process_results</c> called per filter (docs/LMMS-EVAL.md §1.6 steps 7-9), and the sample records written
/// in lmms-eval's current samples shape plus our <c>extraction</c> diagnostics. Timing sits beside the records,
/// not in them, so the samples files stay byte-identical across runs.
/// </summary>
public sealed class SampleScorer(TaskDefinition task, RunConfig config, IReadOnlyList<(string Open, string Close)> reasoningTags, IAnswerJudge? judge = null, PromptKwargs? kwargs = null)
{
    public JsonObject Score(int docId, Doc doc, string context, GenerationResult? result)
    {
        var target = task.DocToTarget(doc);
        var docHash = DocHash(doc);
        var records = new JsonArray();
        foreach (var filter in task.Filters)
        {
            var record = new JsonObject
            {
                ["doc_id"] = docId,
                ["filter"] = filter.Name,
                ["doc_hash"] = docHash,
                ["target"] = JsonOutput.ToNode(target),
                ["input"] = context,
            };
            if (result?.Failure is not null)
            {
                // No answer: nothing to filter or score. Unscored, and --resume sends the request again.
                record["resps"] = new JsonArray();
                record["filtered_resps"] = new JsonArray();
                record["extraction"] = ExtractionNode(new Extraction("request_failed", ExtractionStatus.RequestFailed));
                records.Add(record);
                continue;
            }

            if (result is null)
            {
                record["resps"] = new JsonArray();
                record["filtered_resps"] = new JsonArray();
                record["extraction"] = ExtractionNode(new Extraction("missing_media", ExtractionStatus.Skipped));
                records.Add(record);
                continue;
            }

            var filtered = Filtered(filter, result.Text, doc);
            SampleScore score;
            try
            {
                score = task.ProcessResults(doc, filtered, new ScoringContext(task.Name, docId, DocRandom.DocSeed(config.Seed, task.Name, docId), config.Scoring, judge) { Kwargs = kwargs ?? PromptKwargs.Empty });
            }
            catch (DataRowException e)
            {
                // The task's hooks report a row they cannot use (RowGuard); the doc id says which row. Any other
                // exception is a bug and reaches the CLI's internal-error path with its trace.
                throw new DataRowException(e.File, e.ColumnsRead, $"doc_id {docId} of {e.Message}", e.InnerException ?? e);
            }

            if (InputMedia(doc, context) is { Count: > 0 } media)
            {
                record["input_media"] = media;
            }

            record["resps"] = new JsonArray(result.Text);
            record["filtered_resps"] = new JsonArray(filtered);
            foreach (var (metric, value) in score.Metrics)
            {
                record[metric] = value?.DeepClone();
            }

            record["extraction"] = ExtractionNode(score.Extraction);
            records.Add(record);
        }

        var usage = result?.Usage ?? TokenUsage.None;
        var entry = new JsonObject
        {
            ["doc_id"] = docId,
            ["records"] = records,
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = usage.PromptTokens,
                ["visual_tokens"] = usage.VisualTokens,
                ["generated_tokens"] = usage.GeneratedTokens,
                ["forward_passes"] = usage.ForwardPasses,
            },
            ["elapsed_ms"] = Math.Round((result?.Elapsed ?? TimeSpan.Zero).TotalMilliseconds, 3),
            ["media_wait_ms"] = Math.Round((result?.MediaWait ?? TimeSpan.Zero).TotalMilliseconds, 3),
        };
        if (result?.Failure is { } failure)
        {
            entry["request_failed"] = new JsonObject { ["error"] = failure.Error, ["attempts"] = failure.Attempts };
        }

        if (result?.Served is { } served)
        {
            // Only for served models, so in-process journals keep their bytes.
            entry["served"] = ServedNode(served);
            entry["attempts"] = served.Attempts;
        }

        return entry;
    }

    /// <summary>
    /// What the API said besides the text (issue 25 §1): finish_reason, reasoning_content, usage as sent (null when the
    /// server sent none: never estimated), and whether the model ran out of tokens before answering.
    /// </summary>
    public static JsonObject ServedNode(ServedCompletion served)
    {
        ArgumentNullException.ThrowIfNull(served);
        return new JsonObject
        {
            ["finish_reason"] = served.FinishReason,
            ["reasoning_content"] = served.ReasoningContent,
            ["usage"] = served.Usage is { } u
                ? new JsonObject { ["prompt_tokens"] = u.PromptTokens, ["completion_tokens"] = u.CompletionTokens, ["reasoning_tokens"] = u.ReasoningTokens }
                : null,
            ["truncated"] = served.Truncated,
        };
    }

    /// <summary>
    /// The response <c>process_results</c> sees. lmms-eval 75571cf (<c>evaluator.py</c> <c>evaluate</c>): the filter
    /// ensemble reads the RAW response, reasoning tags are stripped from what it returns, and
    /// <c>ConfigurableTask.process_results</c> <c>.strip()</c>s the result. Under <c>--scoring 2025</c> there is no
    /// reasoning stripping: lmms-eval added it in d8fcb9c3 (2026-03-01, v0.7), after the paper's fork.
    /// </summary>
    private string Filtered(ResolvedFilter filter, string raw, Doc doc)
    {
        var filtered = filter.Apply(raw, doc);
        return config.Scoring == ScoringRules.Current && reasoningTags.Count > 0
            ? ResponseCleaner.Clean(filtered, reasoningTags)
            : PyStr.Strip(filtered);
    }

    private static JsonObject ExtractionNode(Extraction e)
    {
        var node = new JsonObject
        {
            ["rule"] = e.Rule,
            ["status"] = e.Status.ToString().ToLowerInvariant(),
            ["answer"] = e.Answer,
        };
        if (e.Quirk is { } quirk)
        {
            // Only on the samples an upstream quirk decided, so every other samples line keeps its bytes.
            node["upstream_quirk"] = quirk;
        }

        return node;
    }

    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"];

    /// <summary>
    /// lmms-eval 75571cf evaluator.py <c>_collect_input_media</c> (171-240): up to 4 image references found in the
    /// doc, then in the request arguments (the context; gen_kwargs hold none): strings that look like an image
    /// (<c>data:image/</c>, an http(s)/file URL naming an image extension, or a name ending in one) and the
    /// url/uri/path/image/image_url/image_path strings of nested dicts. An image column is a PIL image there (the
    /// datasets library decodes it), not a dict, so its bytes give nothing; here it is a {bytes, path} struct and is skipped.
    /// </summary>
    private static JsonArray InputMedia(Doc doc, string context)
    {
        var found = new List<string>();
        void Add(string v)
        {
            if (v.Length > 0 && found.Count < 4 && !found.Contains(v, StringComparer.Ordinal))
            {
                found.Add(v);
            }
        }

        static bool LooksLikeImage(string value)
        {
            var lowered = value.ToLowerInvariant().Trim();
            if (lowered.StartsWith("data:image/", StringComparison.Ordinal))
            {
                return true;
            }

            return lowered.StartsWith("http://", StringComparison.Ordinal) || lowered.StartsWith("https://", StringComparison.Ordinal) || lowered.StartsWith("file://", StringComparison.Ordinal)
                ? ImageExtensions.Any(e => lowered.Contains(e, StringComparison.Ordinal))
                : ImageExtensions.Any(e => lowered.EndsWith(e, StringComparison.Ordinal));
        }

        void Visit(object? value)
        {
            if (found.Count >= 4)
            {
                return;
            }

            switch (value)
            {
                case string str:
                    if (LooksLikeImage(str))
                    {
                        Add(str);
                    }

                    break;
                case IReadOnlyDictionary<string, object?> map when map.ContainsKey("bytes"):
                    break;
                case IReadOnlyDictionary<string, object?> map:
                    foreach (var key in new[] { "url", "uri", "path", "image", "image_url", "image_path" })
                    {
                        if (map.GetValueOrDefault(key) is string candidate && LooksLikeImage(candidate))
                        {
                            Add(candidate);
                        }
                    }

                    foreach (var nested in map.Values)
                    {
                        Visit(nested);
                    }

                    break;
                case byte[]:
                    break;
                case System.Collections.IEnumerable list:
                    foreach (var item in list)
                    {
                        Visit(item);
                        if (found.Count >= 4)
                        {
                            break;
                        }
                    }

                    break;
            }
        }

        foreach (var (_, value) in doc)
        {
            Visit(value);
        }

        Visit(context);
        return new JsonArray([.. found.Select(f => (JsonNode?)JsonValue.Create(f))]);
    }

    /// <summary>SHA-256 of the doc's fields as JSON (binary values stand in by their length).</summary>
    private static string DocHash(Doc doc)
    {
        var json = new JsonObject(doc.Select(kv => KeyValuePair.Create(kv.Key, JsonOutput.ToNode(kv.Value))));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonOutput.Line(json))));
    }
}
