using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Running;

/// <summary>
/// Turns a run directory's journals into its result files (docs/ARCHITECTURE.md §5-6): <c>results.json</c> in lmms-eval's
/// schema (docs/LMMS-EVAL.md §1.10) plus our additions under <c>lladav_eval</c>, <c>samples_&lt;task&gt;.jsonl</c> sorted by
/// doc id, <c>timing.json</c> (wall time and throughput: the only non-deterministic numbers, kept apart) and
/// <c>report.md</c> (which also names the run folder). Depends only on the files, so <c>merge</c> and <c>--resume</c>
/// produce the same bytes.
/// </summary>
public static class ResultsWriter
{
    public static string JournalPath(string runDirectory, string task) => RunFiles.Inside(Path.Combine(runDirectory, "journal"), task + ".jsonl");

    public static string CountsPath(string runDirectory, string task) => RunFiles.Inside(Path.Combine(runDirectory, "journal"), task + ".counts.json");

    public static RunOutcome Write(string runDirectory, JsonObject manifest, IReadOnlyList<TaskDefinition> tasks, TaskCatalog catalog)
    {
        var entries = tasks.ToDictionary(t => t.Name, t => SampleJournal.Read(JournalPath(runDirectory, t.Name)).OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList());
        var typed = ImmutableArray.CreateBuilder<TaskResult>();
        var results = BuildResults(manifest, tasks, entries, runDirectory, typed);
        AddGroups(results, manifest, catalog);
        var timing = BuildTiming(tasks, entries, RunManifest.Device(manifest));
        foreach (var task in tasks)
        {
            var sb = new StringBuilder();
            foreach (var entry in entries[task.Name])
            {
                foreach (var record in entry["records"]!.AsArray())
                {
                    var line = record!.DeepClone().AsObject();
                    line["token_counts"] = entry["usage"]!.DeepClone();
                    if (entry["served"] is JsonObject served)
                    {
                        line["served"] = served.DeepClone();
                    }
                    sb.Append(JsonOutput.Line(line)).Append('\n');
                }
            }

            JsonOutput.WriteAtomically(RunFiles.Inside(runDirectory, $"samples_{task.Name}.jsonl"), sb.ToString());
        }

        JsonOutput.WriteFile(Path.Combine(runDirectory, "results.json"), results);
        JsonOutput.WriteFile(Path.Combine(runDirectory, "timing.json"), timing);
        // report.md has one writer (issue 28 §4); the run writes it without the paper's numbers and plots, which
        // 'lladav-eval report' adds. Built from the same objects as the files above, so merge and resume agree.
        var run = new Reports.Runs.RunDirectory(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)), manifest, results, timing);
        JsonOutput.WriteAtomically(Path.Combine(runDirectory, "report.md"), new Reports.Html.RunReportMarkdownWriter().Write(Reports.Html.RunReportModel.Build(run, paper: null, figures: [])));
        return new RunOutcome(runDirectory, results, timing) { Model = new RunResults(typed.ToImmutable()) };
    }

    private static JsonObject BuildResults(JsonObject manifest, IReadOnlyList<TaskDefinition> tasks, Dictionary<string, List<JsonObject>> entries, string runDirectory, ImmutableArray<TaskResult>.Builder typed)
    {
        var config = manifest["config"]!.AsObject();
        var results = new JsonObject();
        var configs = new JsonObject();
        var versions = new JsonObject();
        var nShot = new JsonObject();
        var higher = new JsonObject();
        var nSamples = new JsonObject();
        var extraction = new JsonObject();
        var breakdowns = new JsonObject();
        var data = new JsonObject();
        var submissions = new JsonObject();
        var incomplete = new JsonObject();
        var quirks = new JsonObject();
        var usage = new JsonObject();
        foreach (var task in tasks)
        {
            var records = entries[task.Name].SelectMany(e => e["records"]!.AsArray().Select(r => r!.AsObject())).ToList();
            var row = new JsonObject { ["alias"] = task.Spec.Alias ?? task.Name };
            var metricResults = ImmutableArray.CreateBuilder<MetricResult>();
            var taskBreakdown = new JsonObject();
            foreach (var filter in task.Filters)
            {
                var scored = records.Where(r => (string)r["filter"]! == filter.Name && !RecordStatus.IsUnscored(r)).ToList();
                foreach (var metric in task.Spec.Metrics)
                {
                    var withMetric = scored.Where(r => r.ContainsKey(metric.Name)).ToList();
                    var items = withMetric.Select(r => r[metric.Name]).ToList();
                    if (items.Count == 0)
                    {
                        continue;
                    }

                    var key = $"{metric.Name},{filter.Name}";
                    JsonNode? value;
                    JsonNode? stderr;
                    if (task.Aggregations[metric.Name] is { } hook)
                    {
                        Tasks.Hooks.AggregationResult agg;
                        try
                        {
                            agg = hook(items, new Tasks.Hooks.AggregationContext(task.Name, metric.Name));
                        }
                        catch (Exception e) when (e is not EvalException and not OperationCanceledException)
                        {
                            // The values come from the journal; ones of the wrong shape (an edited or damaged line,
                            // found by the corrupt-input campaign) must name the file, not end in a stack trace.
                            throw new DataException($"{JournalPath(runDirectory, task.Name)}: the journaled '{metric.Name}' values cannot be aggregated ({e.GetType().Name}: {e.Message}); the journal is damaged. Remove the damaged lines and resume, or start a new run.", e);
                        }

                        value = agg.Value;
                        if (agg.Submission is { } file)
                        {
                            // Test splits have no answers: the file is the result; there is no accuracy to report.
                            File.WriteAllBytes(RunFiles.Inside(runDirectory, file.FileName), file.Content);
                            submissions[task.Name] = new JsonObject { ["file"] = file.FileName, ["upload_to"] = file.UploadTo };
                        }

                        stderr = "N/A";
                        if (!agg.Breakdown.IsEmpty)
                        {
                            taskBreakdown[key] = new JsonObject(agg.Breakdown.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
                        }
                    }
                    else
                    {
                        var mean = MeanOf(items, JournalPath(runDirectory, task.Name), metric.Name);
                        value = mean.Value;
                        stderr = mean.Stderr is { } se ? JsonValue.Create(se) : "N/A";
                    }

                    // One typed result per (metric, filter); our row and lmms-eval's are both written from it.
                    var result = new MetricResult(metric.Name, filter.Name, value, stderr, [.. items],
                        [.. withMetric.Select(r => task.Spec.ClusterKey is { } ck && r[metric.Name] is JsonObject o ? o[ck]?.DeepClone() : null)]);
                    metricResults.Add(result);
                    row[result.Key] = result.Value?.DeepClone();
                    row[result.StderrKey] = result.Stderr?.DeepClone();
                }
            }

            typed.Add(new TaskResult(task, metricResults.ToImmutable(),
                [.. entries[task.Name].SelectMany(e => e["records"]!.AsArray().Select(r => new SampleRecord(r!.AsObject(), e["usage"])))],
                entries[task.Name].Count));

            row["samples"] = entries[task.Name].Count;
            var failedRequests = entries[task.Name].Where(RecordStatus.EntryNeedsRequest).Select(e => (int)e["doc_id"]!).ToList();
            var unscored = entries[task.Name].Where(e => RecordStatus.EntryNeedsJudge(e) || RecordStatus.EntryNeedsRequest(e)).Select(e => (int)e["doc_id"]!).ToList();
            if (unscored.Count > 0)
            {
                // Marked, never silently averaged over fewer samples: the metrics above are over the scored samples
                // only, and the task stays incomplete until --resume has the judge score the rest (and asks the
                // served model again where its request failed).
                row["incomplete"] = true;
                var judged = unscored.Count - failedRequests.Count;
                incomplete[task.Name] = new JsonObject
                {
                    ["reason"] = failedRequests.Count == 0 ? "judge_failed" : judged == 0 ? "request_failed" : "request_failed+judge_failed",
                    ["unscored_samples"] = unscored.Count,
                    ["doc_ids"] = new JsonArray([.. unscored.Select(id => (JsonNode?)JsonValue.Create(id))]),
                    ["fix"] = failedRequests.Count == 0
                        ? "make the judge reachable, then: lladav-eval run --resume RUN_DIR (it re-scores exactly these samples)"
                        : "make the model server (and judge) reachable, then: lladav-eval run --resume RUN_DIR (it sends exactly the failed requests again)",
                };
            }

            if (ServedUsage(entries[task.Name], config) is { } served)
            {
                usage[task.Name] = served;
            }

            results[task.Name] = row;
            configs[task.Name] = TaskConfigNode(task);
            versions[task.Name] = task.Spec.Version;
            nShot[task.Name] = 0;
            higher[task.Name] = new JsonObject(task.Spec.Metrics.Select(m => KeyValuePair.Create(m.Name, (JsonNode?)JsonValue.Create(m.HigherIsBetter))));
            var counts = File.Exists(CountsPath(runDirectory, task.Name))
                ? JsonFiles.ParseObject(CountsPath(runDirectory, task.Name), "the run directory is damaged")
                : throw new DataException($"{CountsPath(runDirectory, task.Name)} is missing; the run directory is incomplete.");
            nSamples[task.Name] = counts.DeepClone();
            extraction[task.Name] = ExtractionStats(records);
            // A test split is not scored here (its submission file is), so no quirk can lower a score of ours.
            if (!submissions.ContainsKey(task.Name) && QuirkCounts(records) is { Count: > 0 } taskQuirks)
            {
                quirks[task.Name] = taskQuirks;
            }
            if (taskBreakdown.Count > 0)
            {
                breakdowns[task.Name] = taskBreakdown;
            }

            data[task.Name] = manifest["tasks"]?[task.Name]?["dataset"]?["source"]?.DeepClone();
        }

        var summary = new JsonObject
        {
            ["results"] = results,
            ["group_subtasks"] = new JsonObject(),
            ["configs"] = configs,
            ["versions"] = versions,
            ["n-shot"] = nShot,
            ["higher_is_better"] = higher,
            ["n-samples"] = nSamples,
            ["config"] = new JsonObject
            {
                ["model"] = config["model"]?.DeepClone(),
                ["model_args"] = config["model_args"]?.DeepClone(),
                ["batch_size"] = config["batch_size"]?.DeepClone(),
                ["device"] = config["device"]?.DeepClone(),
                ["limit"] = config["limit"]?.DeepClone(),
                ["gen_kwargs"] = config["gen_kwargs"]?.DeepClone(),
                ["random_seed"] = config["seed"]?.DeepClone(),
                ["bootstrap_iters"] = 0,
            },
            ["git_hash"] = manifest["tool"]?["git_commit"]?.DeepClone(),
            ["date"] = manifest["created"]?.DeepClone(),
            ["lladav_eval"] = new JsonObject
            {
                ["version"] = manifest["tool"]?["version"]?.DeepClone(),
                ["scoring"] = config["scoring"]?.DeepClone(),
                ["data_source"] = data,
                ["extraction"] = extraction,
                ["breakdown"] = breakdowns,
                ["tags"] = config["tags"]?.DeepClone(),
                ["submissions"] = submissions,
            },
        };
        if (incomplete.Count > 0)
        {
            // Only when something is missing, so a complete run (or a resumed one) keeps the bytes of an uninterrupted one.
            summary["lladav_eval"]!["incomplete"] = incomplete;
        }

        if (usage.Count > 0)
        {
            // Only for served models (issue 25 §1), so other results keep their bytes.
            summary["lladav_eval"]!["served_usage"] = usage;
        }

        if (quirks.Count > 0)
        {
            // Only when an upstream rule decided some sample (issue 17 §3), so other results keep their bytes.
            summary["lladav_eval"]!["upstream_quirks"] = quirks;
        }

        return summary;
    }

    /// <summary>
    /// A served model's token usage for one task, summed from the journal as the server reported it: requests answered
    /// and failed, prompt/completion/reasoning tokens, answers without a usage object (counted, not estimated),
    /// truncated answers and finish reasons. Cost only when the run gave prices (<c>price_prompt_per_mtok</c>,
    /// <c>price_completion_per_mtok</c>, per million tokens): no price is guessed. Null for an in-process model.
    /// </summary>
    private static JsonObject? ServedUsage(List<JsonObject> entries, JsonObject config)
    {
        var served = entries.Where(e => e["served"] is JsonObject).Select(e => e["served"]!.AsObject()).ToList();
        var failed = entries.Count(RecordStatus.EntryNeedsRequest);
        if (served.Count == 0 && failed == 0)
        {
            return null;
        }

        long prompt = 0, completion = 0, reasoning = 0;
        var withoutUsage = 0;
        var finish = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in served)
        {
            if (s["usage"] is JsonObject u)
            {
                prompt += (long)u["prompt_tokens"]!;
                completion += (long)u["completion_tokens"]!;
                reasoning += (long?)u["reasoning_tokens"] ?? 0;
            }
            else
            {
                withoutUsage++;
            }

            var reason = (string?)s["finish_reason"] ?? "null";
            finish[reason] = finish.GetValueOrDefault(reason) + 1;
        }

        var node = new JsonObject
        {
            ["requests_answered"] = served.Count,
            ["requests_failed"] = failed,
            ["prompt_tokens"] = prompt,
            ["completion_tokens"] = completion,
            ["reasoning_tokens"] = reasoning,
            ["answers_without_usage"] = withoutUsage,
            ["truncated"] = served.Count(s => (bool?)s["truncated"] == true),
            ["finish_reasons"] = new JsonObject(finish.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
        };
        var args = KeyValueList.Parse((string?)config["model_args"], "--model-args");
        double? Price(string key) => args.TryGetValue(key, out var v) && double.TryParse(v, System.Globalization.NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        if (Price("price_prompt_per_mtok") is { } pp && Price("price_completion_per_mtok") is { } pc)
        {
            node["cost"] = new JsonObject
            {
                ["prompt_per_mtok"] = pp,
                ["completion_per_mtok"] = pc,
                ["total"] = Math.Round((prompt * pp + completion * pc) / 1e6, 6),
                ["covers"] = withoutUsage == 0 ? "all answers" : $"the {served.Count - withoutUsage} answers that reported usage",
            };
        }

        return node;
    }

    /// <summary>
    /// Per <see cref="UpstreamQuirk"/>: the samples (distinct docs, over all filters) whose score lmms-eval's own
    /// rule decided, with the rule's description.
    /// </summary>
    private static JsonArray QuirkCounts(List<JsonObject> records)
    {
        var counts = records
            .Where(r => !RecordStatus.IsUnscored(r) && r["extraction"]?["upstream_quirk"] is JsonValue)
            .GroupBy(r => (string)r["extraction"]!["upstream_quirk"]!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        return new JsonArray([.. counts.Select(g => (JsonNode?)new JsonObject
        {
            ["id"] = g.Key,
            ["description"] = UpstreamQuirk.All.TryGetValue(g.Key, out var q) ? q.Description : null,
            ["samples_affected"] = g.Select(r => (int)r["doc_id"]!).Distinct().Count(),
        })]);
    }

    /// <summary>The upstream quirks of a results file: task → (id, samples affected); empty when none.</summary>
    public static IEnumerable<(string Task, string Id, int Samples)> Quirks(JsonObject results) =>
        results["lladav_eval"]?["upstream_quirks"] is JsonObject o
            ? o.SelectMany(kv => kv.Value!.AsArray().Select(q => (kv.Key, (string)q!["id"]!, (int)q["samples_affected"]!)))
            : [];

    private static (double? Value, double? Stderr) MeanOf(List<JsonNode?> items, string journal, string metric)
    {
        try
        {
            var mean = Aggregations.Mean(items);
            return (mean.Value, mean.Stderr);
        }
        catch (Exception e) when (e is not EvalException)
        {
            throw new DataException($"{journal}: the journaled '{metric}' values are not numbers ({e.Message}); the journal is damaged. Remove the damaged lines and resume, or start a new run.", e);
        }
    }

    /// <summary>The tasks of a results file that are incomplete (judge failures), by name; empty when complete.</summary>
    public static IReadOnlyDictionary<string, JsonNode?> Incomplete(JsonObject results) =>
        results["lladav_eval"]?["incomplete"] is JsonObject o ? o.ToDictionary(kv => kv.Key, kv => kv.Value) : new Dictionary<string, JsonNode?>();

    /// <summary>
    /// <c>group_subtasks</c> for every requested group (lmms-eval writes a group row only when the group YAML has an
    /// aggregate_metric_list; none of ours do), and lladav-eval's own MVBench average, labelled as ours.
    /// </summary>
    private static void AddGroups(JsonObject results, JsonObject manifest, TaskCatalog catalog)
    {
        var subtasks = new JsonObject();
        foreach (var name in manifest["config"]!["tasks"]!.AsArray().Select(t => (string)t!).Where(catalog.Groups.ContainsKey))
        {
            subtasks[name] = new JsonArray([.. catalog.Expand([name]).Select(t => (JsonNode?)JsonValue.Create(t.Name))]);
        }

        results["group_subtasks"] = subtasks;
        var accuracy = results["results"]!.AsObject()
            .Where(kv => kv.Key.StartsWith("mvbench_", StringComparison.Ordinal) && kv.Value?["mvbench_accuracy,none"] is not null)
            .ToDictionary(kv => kv.Key, kv => (double?)kv.Value!["mvbench_accuracy,none"]);
        if (accuracy.Count > 0)
        {
            var average = Tasks.Families.Mvbench.MvbenchAverage.Compute(accuracy);
            results["lladav_eval"]!["group_averages"] = new JsonObject
            {
                ["mvbench"] = new JsonObject
                {
                    [Tasks.Families.Mvbench.MvbenchAverage.MetricKey] = average.Value,
                    ["source"] = Tasks.Families.Mvbench.MvbenchAverage.Source,
                    ["description"] = Tasks.Families.Mvbench.MvbenchAverage.Description,
                    ["included"] = average.Included.Length,
                    ["missing"] = new JsonArray([.. average.Missing.Select(m => (JsonNode?)JsonValue.Create(m))]),
                },
            };
        }
    }

    /// <summary>Per task: samples by extraction status and by rule, and the shares that fell back or were unparseable.</summary>
    private static JsonObject ExtractionStats(List<JsonObject> records)
    {
        var byStatus = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byRule = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            var status = (string)r["extraction"]!["status"]!;
            var rule = (string)r["extraction"]!["rule"]!;
            byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
            byRule[rule] = byRule.GetValueOrDefault(rule) + 1;
        }

        double Share(string status) => records.Count == 0 ? 0 : (double)byStatus.GetValueOrDefault(status) / records.Count;
        return new JsonObject
        {
            ["records"] = records.Count,
            ["by_status"] = new JsonObject(byStatus.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
            ["by_rule"] = new JsonObject(byRule.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
            ["fallback_share"] = Share("fallback"),
            ["unparseable_share"] = Share("unparseable"),
            ["judge_failed"] = byStatus.GetValueOrDefault("judgefailed"),
            ["skipped"] = byStatus.GetValueOrDefault("skipped"),
        };
    }

    private static JsonObject TaskConfigNode(TaskDefinition task)
    {
        var s = task.Spec;
        return new JsonObject
        {
            ["task"] = s.Name,
            ["dataset_path"] = s.DatasetPath,
            ["dataset_name"] = s.DatasetName,
            ["test_split"] = s.Split,
            ["output_type"] = s.OutputType,
            ["doc_to_visual"] = s.DocToVisual,
            ["doc_to_text"] = s.DocToText,
            ["doc_to_target"] = s.DocToTarget,
            ["process_results"] = s.ProcessResults,
            ["metric_list"] = new JsonArray([.. s.Metrics.Select(m => (JsonNode?)new JsonObject { ["metric"] = m.Name, ["aggregation"] = m.Aggregation, ["higher_is_better"] = m.HigherIsBetter })]),
            ["generation_kwargs"] = JsonOutput.ToNode(s.GenerationKwargs),
            ["lmms_eval_specific_kwargs"] = JsonOutput.ToNode(s.SpecificKwargs),
            ["metadata"] = JsonOutput.ToNode(s.Metadata),
        };
    }

    /// <summary>
    /// Per task: samples, wall time, tokens and throughput, and the device they were measured on (the manifest's
    /// <c>machine.device</c>); <c>emulated_device: true</c> marks CPU emulation times of the emulated CUDA device, which
    /// the report, the run summary and the plots never present as GPU timings.
    /// </summary>
    private static JsonObject BuildTiming(IReadOnlyList<TaskDefinition> tasks, Dictionary<string, List<JsonObject>> entries, Models.Backends.ComputeDeviceInfo? device)
    {
        var timing = new JsonObject();
        foreach (var task in tasks)
        {
            long prompt = 0, visual = 0, generated = 0, passes = 0;
            double ms = 0, mediaMs = 0;
            foreach (var e in entries[task.Name])
            {
                var u = e["usage"]!;
                prompt += (long)u["prompt_tokens"]!;
                visual += (long)u["visual_tokens"]!;
                generated += (long)u["generated_tokens"]!;
                passes += (long)u["forward_passes"]!;
                ms += (double)e["elapsed_ms"]!;
                mediaMs += (double?)e["media_wait_ms"] ?? 0; // absent in journals written before it was recorded
            }

            var seconds = ms / 1000;
            timing[task.Name] = new JsonObject
            {
                ["samples"] = entries[task.Name].Count,
                ["wall_seconds"] = Math.Round(seconds, 3),
                ["prompt_tokens"] = prompt,
                ["visual_tokens"] = visual,
                ["generated_tokens"] = generated,
                ["forward_passes"] = passes,
                ["tokens_per_second"] = seconds > 0 ? Math.Round(generated / seconds, 3) : null,
                ["seconds_per_sample"] = entries[task.Name].Count > 0 ? Math.Round(seconds / entries[task.Name].Count, 4) : null,
                // The model's time spent waiting for media (decoding/preprocessing inline, or a prefetch not yet done).
                ["media_wait_seconds"] = Math.Round(mediaMs / 1000, 3),
                ["media_wait_share"] = ms > 0 ? Math.Round(mediaMs / ms, 4) : null,
            };
            if (device is not null)
            {
                timing[task.Name]!["device"] = device.Description;
                timing[task.Name]!["emulated_device"] = device.Emulated;
            }
        }

        return timing;
    }

    public static string Format(JsonNode? value) => value switch
    {
        null => "-",
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString("0.####", CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    public static ImmutableArray<(string Task, string Metric, JsonNode? Value, JsonNode? Stderr)> Rows(JsonObject results) =>
        [.. results["results"]!.AsObject().SelectMany(t => t.Value!.AsObject()
            .Where(kv => kv.Key.Contains(',', StringComparison.Ordinal) && !kv.Key.Contains("_stderr,", StringComparison.Ordinal))
            .Select(kv => (t.Key, kv.Key, kv.Value, t.Value![kv.Key.Replace(",", "_stderr,", StringComparison.Ordinal)])))];
}
