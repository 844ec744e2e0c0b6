using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Common;

namespace LLaDAV.Eval.Running.LmmsEval;

/// <summary>
/// lmms-eval 0.7 (commit 75571cf) output files, written from the run's typed results (<see cref="RunResults"/>):
/// <c>&lt;output_path&gt;/&lt;model_name_sanitized&gt;/&lt;date&gt;_results.json</c> and
/// <c>&lt;date&gt;_samples_&lt;task&gt;.jsonl</c>, with every key, value type and order that lmms-eval's
/// <c>evaluator.evaluate</c>/<c>simple_evaluate</c>, <c>evaluator_utils.consolidate_results</c>/
/// <c>consolidate_group_results</c>/<c>prepare_print_tasks</c>/<c>get_subtask_list</c> and
/// <c>loggers/evaluation_tracker.py</c> <c>save_results_aggregated</c>/<c>save_results_samples</c> give them.
/// Rules are cited per method; values that cannot be the same are listed in README.md (lmms-eval compatibility).
/// </summary>
public static class LmmsEvalFiles
{
    /// <summary>
    /// The results dict as <c>cli_evaluate_single</c> hands it to <c>save_results_aggregated</c> (without the
    /// tracker's timing fields, which <see cref="Write"/> adds).
    /// </summary>
    public static JsonObject Results(RunResults model, ImmutableArray<TaskNode> tree, JsonObject ours, LmmsEvalInvocation call)
    {
        var byName = model.Tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var evalTasks = TaskTree.Leaves(tree).Where(byName.ContainsKey).Distinct(StringComparer.Ordinal).Select(n => byName[n]).ToList();

        // consolidate_results (evaluator_utils.py 386-459): per task, "alias" then per (metric, filter) in
        // sample_metrics order: value, "samples", stderr, stderr_clt, stderr_clustered.
        var rows = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var t in evalTasks)
        {
            var row = new JsonObject { ["alias"] = t.Task.Spec.Alias ?? t.Name };
            foreach (var (metric, filter, m, count) in SampleMetricsOrder(t))
            {
                if (m is null)
                {
                    // A key process_results returned with no aggregation in metric_list (MMMU's "submission"):
                    // agg_metrics is a defaultdict(list), so value and stderr are [] and no CLT keys are set.
                    row[$"{metric},{filter}"] = new JsonArray();
                    row["samples"] = count;
                    row[$"{metric}_stderr,{filter}"] = new JsonArray();
                    continue;
                }

                row[m.Key] = m.Value?.DeepClone();
                row["samples"] = m.Items.Length;
                row[m.StderrKey] = m.Stderr?.DeepClone();
                row[$"{m.Metric}_stderr_clt,{m.Filter}"] = CltStderr(m.Items, t.Task.Spec.ScoreKey);
                row[$"{m.Metric}_stderr_clustered,{m.Filter}"] = ClusteredStderr(m, t.Task.Spec);
            }

            rows[t.Name] = row;
        }

        // consolidate_group_results (462-571): a group without aggregate_metric_list (none of ours has one) gets
        // results[group][" "] = " " and no "groups" table (show_group_table stays False).
        foreach (var g in Groups(tree))
        {
            rows.TryAdd(g.Name, new JsonObject());
            rows[g.Name][" "] = " ";
        }

        var results = new JsonObject();
        PreparePrint(tree, rows, results, 0);

        var subtasks = SubtaskList(tree);
        var configs = new JsonObject(evalTasks.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => Pair(t.Name, TaskConfig(t, ours))));
        // Task.VERSION: metadata["version"] when metadata is a dict, else ConfigurableTask's class value "Yaml" (api/task.py 770, 796-798).
        var versions = new JsonObject(evalTasks.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => Pair(t.Name,
            !t.Task.Spec.MetadataIsList && t.Task.Spec.Metadata.TryGetValue("version", out var v) ? JsonOutput.ToNode(v) : "Yaml")));
        var nShot = new JsonObject(evalTasks.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => Pair(t.Name, 0)));
        var higher = HigherIsBetter(evalTasks, subtasks);
        var nSamples = new JsonObject();
        foreach (var t in evalTasks)
        {
            // evaluator.py evaluate 1453-1462: original = len(eval_docs); effective = min(limit or len, len), limit a float.
            var original = (int?)ours["n-samples"]?[t.Name]?["original"] ?? t.Docs;
            nSamples[t.Name] = new JsonObject
            {
                ["original"] = original,
                ["effective"] = call.Limit is { } l && l != 0 ? JsonValue.Create(Math.Min(l, original)) : JsonValue.Create(original),
            };
        }

        var dict = new JsonObject
        {
            ["results"] = results,
            ["group_subtasks"] = new JsonObject(Enumerable.Reverse(subtasks).Select(kv => Pair(kv.Key, new JsonArray([.. kv.Value.Select(s => (JsonNode?)JsonValue.Create(s))])))),
            ["configs"] = configs,
            ["versions"] = versions,
            ["n-shot"] = nShot,
            ["higher_is_better"] = higher,
            ["n-samples"] = nSamples,
            // simple_evaluate (evaluator.py 561-597).
            ["config"] = new JsonObject
            {
                ["model"] = call.Model,
                ["model_args"] = call.ModelArgs,
                ["model_backend"] = call.ModelBackend,
                ["batch_size"] = call.BatchSize.DeepClone(),
                ["batch_sizes"] = new JsonArray(),
                ["device"] = call.Device,
                ["use_cache"] = null,
                ["limit"] = call.Limit,
                ["offset"] = 0,
                ["bootstrap_iters"] = 100000,
                ["gen_kwargs"] = call.GenKwargs,
                ["random_seed"] = call.Seeds[0],
                ["numpy_seed"] = call.Seeds[1],
                ["torch_seed"] = call.Seeds[2],
                ["fewshot_seed"] = call.Seeds[3],
                ["resolved_cli_args"] = call.ResolvedCliArgs.DeepClone(),
            },
            ["git_hash"] = ours["git_hash"]?.DeepClone(),
            ["git_branch"] = call.GitBranch,
            // get_lmms_eval_version_string: f"{branch}@{commit[:8]}" — here our branch and commit.
            ["lmms_eval_version"] = $"{call.GitBranch ?? "unknown"}@{Short((string?)ours["git_hash"] ?? "unknown")}",
            ["date"] = call.DateId,
            // summarize_usage_metrics: {} when no API usage was recorded (no judge traffic is logged as lmms-eval usage).
            ["usage"] = new JsonObject(),
        };

        // save_results_aggregated (evaluation_tracker.py 182-190): task_hashes only from logged samples.
        var hashes = new JsonObject();
        if (call.LogSamples)
        {
            foreach (var t in evalTasks)
            {
                var joined = string.Concat(Logged(t).Select((s, i) => $"sample_{i}" + s.DocHash));
                hashes[t.Name] = Sha256(joined);
            }
        }

        dict["task_hashes"] = hashes;
        return dict;
    }

    /// <summary>
    /// Writes the results file (and, with <see cref="LmmsEvalInvocation.LogSamples"/>, one samples file per task in
    /// <c>configs</c> order) under <c>&lt;output_path&gt;/&lt;model_name_sanitized&gt;/</c>; returns the paths.
    /// </summary>
    public static IReadOnlyList<string> Write(RunResults model, ImmutableArray<TaskNode> tree, JsonObject ours, LmmsEvalInvocation call, string modelName, double endTime)
    {
        var results = Results(model, tree, ours, call);

        // results.update(asdict(self.general_config_tracker)) (GeneralConfigTracker, evaluation_tracker.py 31-99).
        results["model_source"] = call.Model;
        results["model_name"] = modelName;
        results["model_name_sanitized"] = SanitizeModelName(modelName);
        results["system_instruction"] = null;
        results["system_instruction_sha"] = null;
        results["fewshot_as_multiturn"] = false;
        results["chat_template"] = null;
        results["chat_template_sha"] = null;
        results["start_time"] = call.StartTime;
        results["end_time"] = endTime;
        results["total_evaluation_time_seconds"] = PythonJson.Float(endTime - call.StartTime);

        var folder = Path.Combine(call.OutputPath, SanitizeModelName(modelName));
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var dateId = call.DateId.Replace(':', '-');
        var resultsPath = Path.Combine(folder, $"{dateId}_results.json");
        JsonOutput.WriteAtomically(resultsPath, PythonJson.Dumps(results, indent: 2));
        written.Add(resultsPath);
        if (call.LogSamples)
        {
            // cli_evaluate_single: for task_name in results["configs"] (sorted).
            foreach (var name in results["configs"]!.AsObject().Select(kv => kv.Key))
            {
                var task = model.Tasks.First(t => t.Name == name);
                var path = Path.Combine(folder, $"{dateId}_samples_{name}.jsonl");
                var sb = new StringBuilder();
                foreach (var line in SampleLines(task))
                {
                    sb.Append(PythonJson.Dumps(line)).Append('\n');
                }

                JsonOutput.WriteAtomically(path, sb.ToString());
                written.Add(path);
            }
        }

        return written;
    }

    /// <summary>
    /// Logged samples of a task as <c>save_results_samples</c> writes them (evaluation_tracker.py 240-280) from the
    /// example <c>evaluate</c> logs (evaluator.py 1262-1297).
    /// </summary>
    public static IEnumerable<JsonObject> SampleLines(TaskResult task)
    {
        var tags = task.Task.Spec.ReasoningTags;
        foreach (var s in Logged(task))
        {
            // example = {doc_id, doc, target, arguments, resps, filtered_resps, token_counts, doc_hash, [input_media], **metrics};
            // then input = arguments[0] is added, resps/filtered_resps are sanitised and flattened, resps popped when
            // equal to filtered_resps, target = str(target), arguments and doc popped.
            var filtered = Flatten(Sanitize(s.FilteredResps));
            var line = new JsonObject
            {
                ["doc_id"] = s.DocId,
                ["target"] = PyStr(s.Target),
            };
            if (Resps(s, filtered, tags) is { } resps)
            {
                line["resps"] = resps;
            }

            line["filtered_resps"] = filtered;
            line["token_counts"] = new JsonArray(TokenCounts(s.Usage));
            line["doc_hash"] = s.DocHash;
            if (s.Line["input_media"] is JsonArray { Count: > 0 } media)
            {
                line["input_media"] = media.DeepClone();
            }

            foreach (var key in s.ProcessResultKeys)
            {
                var value = s.Line[key];
                line[key] = value?.DeepClone();
            }

            line["input"] = s.Input?.DeepClone();
            yield return line;
        }
    }

    /// <summary>
    /// <c>resps</c> = <c>[req.raw_filtered_resps.get(filter_key, req.resps)]</c>: with reasoning tags active (the CLI
    /// default) the filtered text before stripping, else the raw response list. After flattening it is popped when it
    /// equals <c>filtered_resps</c> (or is <c>[filtered_resps]</c>). We keep the raw response, which is the pre-strip
    /// filtered text for <c>take_first</c> (filter <c>none</c>); for other filters the pre-strip text differs from
    /// the stripped one only when the response holds a reasoning tag.
    /// </summary>
    private static JsonNode? Resps(SampleRecord s, JsonNode? filtered, ImmutableArray<(string Open, string Close)>? taskTags)
    {
        var raw = Sanitize(s.Resps);
        var rawText = raw is JsonArray { Count: 1 } a ? (string?)a[0] : null;
        var filteredText = filtered is JsonValue fv && fv.TryGetValue<string>(out var f) ? f : null;
        if (taskTags is { IsEmpty: true })
        {
            // Stripping off: resps = [[raw]] → [raw]; popped only when raw == filtered.
            return rawText is not null && rawText == filteredText ? null : raw;
        }

        var hasTag = rawText is not null && (taskTags is { } tt ? tt.AsEnumerable() : DefaultTags).Any(t => rawText.Contains(t.Open, StringComparison.Ordinal) || rawText.Contains(t.Close, StringComparison.Ordinal));
        if (!hasTag || rawText == filteredText)
        {
            return null;
        }

        return s.Filter == "none" ? JsonValue.Create(rawText) : Flatten(raw);
    }

    private static readonly (string Open, string Close)[] DefaultTags = [("<think>", "</think>"), ("<analysis>", "</analysis>")];

    /// <summary>
    /// <c>token_counts</c>: one entry per request, <c>TokenCounts.to_dict()</c> (api/instance.py: keys with a value only)
    /// or None when the backend reported none (lmms-eval's own llava models return plain strings).
    /// </summary>
    private static JsonNode?[] TokenCounts(JsonNode? usage)
    {
        var input = (long?)usage?["prompt_tokens"] ?? 0;
        var visual = (long?)usage?["visual_tokens"] ?? 0;
        var output = (long?)usage?["generated_tokens"] ?? 0;
        return input + visual + output == 0 ? [null] : [new JsonObject { ["input_tokens"] = input + visual, ["output_tokens"] = output }];
    }

    /// <summary>
    /// <c>TaskOutput.logged_samples</c> order: evaluate loops filters outermost, then docs (evaluator.py 1161, 1217).
    /// Samples a judge left unscored are not logged (lmms-eval retries the judge inside process_results).
    /// </summary>
    private static IEnumerable<SampleRecord> Logged(TaskResult task) =>
        task.Task.Filters.SelectMany(f => task.Samples.Where(s => s.Filter == f.Name && !Metrics.RecordStatus.IsUnscored(s.Line)).OrderBy(s => s.DocId));

    /// <summary>
    /// <c>sample_metrics</c> keys in insertion order (evaluator.py 1298): filters outermost, then every key
    /// process_results returned, in its order; each with its aggregated result, or null when metric_list has no
    /// aggregation for it.
    /// </summary>
    private static IEnumerable<(string Metric, string Filter, MetricResult? Result, int Count)> SampleMetricsOrder(TaskResult t)
    {
        foreach (var filter in t.Task.Filters)
        {
            var logged = Logged(t).Where(s => s.Filter == filter.Name).ToList();
            var keys = logged.SelectMany(s => s.ProcessResultKeys).Distinct(StringComparer.Ordinal).ToList();
            foreach (var key in keys)
            {
                yield return (key, filter.Name, t.Metrics.FirstOrDefault(m => m.Filter == filter.Name && m.Metric == key), logged.Count(s => s.Line.ContainsKey(key)));
            }
        }
    }

    /// <summary>
    /// <c>calculate_clt_aggregate_metric</c> (evaluator_utils.py 134-162): numbers (bools are ints in Python) and
    /// dicts' <c>score_key</c>; <c>np.std(ddof=1) / np.sqrt(n)</c> when n &gt; 1, else "N/A".
    /// </summary>
    internal static JsonNode? CltStderr(ImmutableArray<JsonNode?> items, string scoreKey)
    {
        var xs = Numeric(items, scoreKey).ToArray();
        return xs.Length > 1 ? JsonValue.Create(NumpyStd(xs, 1) / Math.Sqrt(xs.Length)) : "N/A";
    }

    /// <summary>Clustered stderr (<c>api/metrics.py clustered_stderr</c>) when the task names a <c>cluster_key</c> with more than one cluster.</summary>
    private static JsonNode? ClusteredStderr(MetricResult m, TaskSpec spec)
    {
        var pairs = m.Items.Select((x, i) => (x, c: m.ClusterIds.Length > i ? m.ClusterIds[i] : null))
            .Where(p => IsNumber(p.x) || p.x is JsonObject o && o.ContainsKey(spec.ScoreKey)).ToList();
        var ids = pairs.Select(p => p.c is JsonValue v ? v.ToJsonString() : null).ToList();
        var valid = ids.Where(c => c is not null).ToList();
        if (spec.ClusterKey is null || valid.Distinct(StringComparer.Ordinal).Count() <= 1 || pairs.Count <= 1)
        {
            return "N/A";
        }

        var scores = pairs.Select(p => IsNumber(p.x) ? ToDouble(p.x) : ToDouble(p.x!.AsObject()[spec.ScoreKey])).ToList();
        var n = scores.Count;
        var mean = PySum(scores) / n;
        var se2 = PySum(scores.Select(s => (s - mean) * (s - mean))) / (n - 1) / n;
        var clusters = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var i = 0; i < n; i++)
        {
            var key = ids[i] ?? "None";
            if (!clusters.TryGetValue(key, out var list))
            {
                clusters[key] = list = [];
                order.Add(key);
            }

            list.Add(scores[i]);
        }

        var cross = 0.0;
        foreach (var key in order)
        {
            var d = clusters[key].Select(s => s - mean).ToList();
            var sum = PySum(d);
            cross += sum * sum - PySum(d.Select(x => x * x));
        }

        cross /= n * n;
        return JsonValue.Create(Math.Sqrt(se2 + cross));
    }

    private static double PySum(IEnumerable<double> xs)
    {
        var s = 0.0;
        foreach (var x in xs)
        {
            s += x;
        }

        return s;
    }

    private static IEnumerable<double> Numeric(IEnumerable<JsonNode?> items, string scoreKey)
    {
        foreach (var x in items)
        {
            if (IsNumber(x))
            {
                yield return ToDouble(x);
            }
            else if (x is JsonObject o && o.ContainsKey(scoreKey))
            {
                yield return ToDouble(o[scoreKey]);
            }
        }
    }

    private static bool IsNumber(JsonNode? x) => x is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False;

    private static double ToDouble(JsonNode? x) => Metrics.Aggregations.ToDouble(x);

    /// <summary><c>numpy.std(x, ddof)</c> with numpy's pairwise summation (<c>_methods._var</c>: mean, squared deviations, sum / (n - ddof), sqrt).</summary>
    internal static double NumpyStd(double[] x, int ddof)
    {
        var mean = NumpySum(x) / x.Length;
        var sq = x.Select(v => (v - mean) * (v - mean)).ToArray();
        return Math.Sqrt(NumpySum(sq) / (x.Length - ddof));
    }

    /// <summary><c>np.add.reduce</c> on a contiguous float64 array: identity 0 plus <c>pairwise_sum</c> over buffered blocks of 8192.</summary>
    internal static double NumpySum(double[] x)
    {
        var total = 0.0;
        for (var start = 0; start < x.Length; start += 8192)
        {
            total += Pairwise(x.AsSpan(start, Math.Min(8192, x.Length - start)));
        }

        return total;
    }

    private static double Pairwise(ReadOnlySpan<double> a)
    {
        var n = a.Length;
        if (n < 8)
        {
            var res = 0.0;
            for (var i = 0; i < n; i++)
            {
                res += a[i];
            }

            return res;
        }

        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            for (var j = 0; j < 8; j++)
            {
                r[j] = a[j];
            }

            var i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                for (var j = 0; j < 8; j++)
                {
                    r[j] += a[i + j];
                }
            }

            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++)
            {
                res += a[i];
            }

            return res;
        }

        var n2 = n / 2;
        n2 -= n2 % 8;
        return Pairwise(a[..n2]) + Pairwise(a[n2..]);
    }

    /// <summary>
    /// <c>prepare_print_tasks</c> (evaluator_utils.py 298-383): each level sorted by name; a row is copied, its alias
    /// indented by <c>" " * depth + "- "</c> below the top level, and its "samples" popped.
    /// </summary>
    private static void PreparePrint(IEnumerable<TaskNode> level, Dictionary<string, JsonObject> rows, JsonObject into, int depth)
    {
        foreach (var node in level.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (!rows.TryGetValue(node.Name, out var source))
            {
                continue;
            }

            var row = (JsonObject)source.DeepClone();
            var alias = node.IsGroup ? node.Name : ((string?)row["alias"] ?? node.Name);
            row["alias"] = (depth > 0 ? new string(' ', depth) + "- " : "") + alias;
            row.Remove("samples");
            into[node.Name] = row;
            if (node.IsGroup)
            {
                PreparePrint(node.Children, rows, into, depth + 1);
            }
        }
    }

    private static IEnumerable<TaskNode> Groups(IEnumerable<TaskNode> nodes) =>
        nodes.Where(n => n.IsGroup).SelectMany(n => Groups(n.Children).Prepend(n));

    /// <summary>
    /// <c>get_subtask_list</c> (evaluator_utils.py 230-264): top-level tasks map to [], a group to its direct members;
    /// nested groups get their own entry. <c>evaluate</c> writes it reversed (<c>dict(reversed(subtask_list.items()))</c>).
    /// </summary>
    private static List<KeyValuePair<string, List<string>>> SubtaskList(ImmutableArray<TaskNode> tree)
    {
        var list = new List<KeyValuePair<(string, int), List<string>>>();
        List<string> Entry((string, int) key)
        {
            var i = list.FindIndex(kv => kv.Key == key);
            if (i >= 0)
            {
                return list[i].Value;
            }

            var l = new List<string>();
            list.Add(KeyValuePair.Create(key, l));
            return l;
        }

        void Visit(IEnumerable<TaskNode> nodes, string? root, int depth)
        {
            foreach (var node in nodes)
            {
                if (node.IsGroup)
                {
                    // The inner call builds its own dict; the parent's entry is set (setdefault) before the merge.
                    var before = list.Count;
                    Visit(node.Children, node.Name, depth + 1);
                    var inner = list.Skip(before).ToList();
                    list.RemoveRange(before, inner.Count);
                    if (root is not null)
                    {
                        Entry((root, depth)).AddRange(inner.Where(kv => kv.Key.Item2 - 1 == depth).Select(kv => kv.Key.Item1));
                    }

                    foreach (var kv in inner)
                    {
                        var i = list.FindIndex(x => x.Key == kv.Key);
                        if (i >= 0)
                        {
                            list[i] = kv;
                        }
                        else
                        {
                            list.Add(kv);
                        }
                    }
                }
                else if (root is null)
                {
                    Entry((node.Name, depth));
                }
                else
                {
                    Entry((root, depth)).Add(node.Name);
                }
            }
        }

        Visit(tree, null, 0);
        var result = new List<KeyValuePair<string, List<string>>>();
        foreach (var kv in list)
        {
            var i = result.FindIndex(r => r.Key == kv.Key.Item1);
            if (i >= 0)
            {
                result[i] = KeyValuePair.Create(kv.Key.Item1, kv.Value);
            }
            else
            {
                result.Add(KeyValuePair.Create(kv.Key.Item1, kv.Value));
            }
        }

        return result;
    }

    /// <summary>
    /// <c>higher_is_better</c> (evaluator.py 1428-1441): per task its metrics; every group with members gets the one
    /// shared <c>_higher_is_better</c> dict (created once, outside the loop), None where members disagree. Sorted by key.
    /// </summary>
    private static JsonObject HigherIsBetter(List<TaskResult> tasks, List<KeyValuePair<string, List<string>>> subtasks)
    {
        var all = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var t in tasks)
        {
            all[t.Name] = new JsonObject(t.Task.Spec.Metrics.Select(m => Pair(m.Name, m.HigherIsBetter)));
        }

        var shared = new JsonObject();
        var groups = new List<string>();
        foreach (var (group, members) in subtasks.Where(kv => kv.Value.Count > 0))
        {
            foreach (var task in members.Where(all.ContainsKey))
            {
                foreach (var (metric, h) in all[task]!.AsObject())
                {
                    var hb = (bool?)h;
                    if (!shared.ContainsKey(metric))
                    {
                        shared[metric] = hb;
                    }

                    if (shared[metric] is JsonValue current && (bool)current != hb)
                    {
                        shared[metric] = null;
                    }
                }
            }

            groups.Add(group);
        }

        foreach (var g in groups)
        {
            all[g] = shared;
        }

        return new JsonObject(all.Select(kv => Pair(kv.Key, kv.Value?.DeepClone())));
    }

    /// <summary>
    /// <c>TaskConfig.to_dict()</c> (api/task.py 205-223): dataclass field order, None fields removed, callables as
    /// <c>str(fn)</c>. A Python function's str holds its memory address; ours is <c>&lt;function NAME&gt;</c>.
    /// </summary>
    private static JsonObject TaskConfig(TaskResult t, JsonObject ours)
    {
        var s = t.Task.Spec;
        var o = new JsonObject { ["task"] = s.Name };
        if (s.Alias is not null)
        {
            o["task_alias"] = s.Alias;
        }

        if (!s.Tags.IsEmpty)
        {
            o["tag"] = s.Tags.Length == 1 ? JsonValue.Create(s.Tags[0]) : new JsonArray([.. s.Tags.Select(x => (JsonNode?)JsonValue.Create(x))]);
        }

        o["dataset_path"] = s.DatasetPath;
        if (s.DatasetName is not null)
        {
            o["dataset_name"] = s.DatasetName;
        }

        if (!s.DatasetKwargs.IsEmpty)
        {
            o["dataset_kwargs"] = JsonOutput.ToNode(s.DatasetKwargs);
        }

        o["test_split"] = s.Split;
        o["full_docs"] = false;
        o["process_results_use_image"] = false;
        if (s.ProcessDocs is not null)
        {
            o["process_docs"] = Callable(s.ProcessDocs);
        }

        o["doc_to_visual"] = Callable(s.DocToVisual);
        o["doc_to_text"] = Callable(s.DocToText);
        o["doc_to_target"] = Callable(s.DocToTarget);
        if (s.DocToChoice is not null)
        {
            o["doc_to_choice"] = Callable(s.DocToChoice);
        }

        if (s.DocToMessages is not null)
        {
            // TaskConfig field order: doc_to_messages follows doc_to_choice (api/task.py, 75571cf).
            o["doc_to_messages"] = Callable(s.DocToMessages);
        }

        if (s.ProcessResults is not null)
        {
            o["process_results"] = Callable(s.ProcessResults);
        }

        o["description"] = "";
        o["target_delimiter"] = " ";
        o["fewshot_delimiter"] = "\n\n";
        o["num_fewshot"] = 0;
        o["metric_list"] = new JsonArray([.. s.Metrics.Select(m => (JsonNode?)new JsonObject { ["metric"] = m.Name, ["aggregation"] = Callable(m.Aggregation), ["higher_is_better"] = m.HigherIsBetter })]);
        o["output_type"] = s.OutputType;
        o["generation_kwargs"] = ours["configs"]?[t.Name]?["generation_kwargs"]?.DeepClone() ?? JsonOutput.ToNode(s.GenerationKwargs);
        o["repeats"] = 1;
        o["should_decontaminate"] = false;
        if (s.ClusterKey is not null)
        {
            o["cluster_key"] = s.ClusterKey;
        }

        o["score_key"] = s.ScoreKey;
        if (!s.Metadata.IsEmpty)
        {
            o["metadata"] = s.MetadataIsList ? new JsonArray(JsonOutput.ToNode(s.Metadata)) : JsonOutput.ToNode(s.Metadata);
        }

        if (!s.SpecificKwargs.IsEmpty)
        {
            o["lmms_eval_specific_kwargs"] = JsonOutput.ToNode(s.SpecificKwargs);
        }

        if (!s.ModelSpecificGenerationKwargs.IsEmpty)
        {
            o["model_specific_generation_kwargs"] = JsonOutput.ToNode(s.ModelSpecificGenerationKwargs);
        }

        o["auto_strip_thinking"] = false;
        return o;
    }

    /// <summary>
    /// A <c>!function</c> value is a Python function there, dumped as <c>str(fn)</c> = <c>&lt;function NAME at 0x...&gt;</c>;
    /// ours is a C# hook name (family.hook), written <c>&lt;function family.hook&gt;</c>. Other values (a column, a
    /// template, a built-in aggregation name like "mean") stay strings, as in lmms-eval.
    /// </summary>
    private static string Callable(string yamlValue) =>
        System.Text.RegularExpressions.Regex.IsMatch(yamlValue, @"^[A-Za-z_]\w*\.[A-Za-z_][\w.]*$") ? $"<function {yamlValue}>" : yamlValue;

    /// <summary><c>utils.sanitize_list</c>: every leaf of a (nested) list as <c>str()</c>.</summary>
    private static JsonNode? Sanitize(JsonNode? node) => node switch
    {
        JsonArray a => new JsonArray([.. a.Select(Sanitize)]),
        _ => JsonValue.Create(PyStr(node)),
    };

    /// <summary>A one-element list becomes its element (evaluation_tracker.py 257-260).</summary>
    private static JsonNode? Flatten(JsonNode? node) => node is JsonArray { Count: 1 } a ? a[0]?.DeepClone() : node?.DeepClone();

    /// <summary>Python's <c>str()</c> of a JSON-decoded value.</summary>
    internal static string PyStr(JsonNode? node) => node switch
    {
        null => "None",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.True => "True",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.False => "False",
        JsonValue v => PythonJson.Dumps(v),
        _ => PythonJson.Dumps(node).Replace("\"", "'", StringComparison.Ordinal).Replace("true", "True", StringComparison.Ordinal).Replace("false", "False", StringComparison.Ordinal).Replace("null", "None", StringComparison.Ordinal),
    };

    /// <summary><c>utils.sanitize_model_name</c>: last two '/'-parts, runs of <c>"&lt;&gt;:/\|?*[]</c> → "__".</summary>
    public static string SanitizeModelName(string name)
    {
        var parts = name.Split('/');
        var lastTwo = parts.Length > 1 ? string.Join("/", parts[^2..]) : parts[^1];
        return System.Text.RegularExpressions.Regex.Replace(lastTwo, @"[""<>:/\|\\?\*\[\]]+", "__");
    }

    /// <summary><c>GeneralConfigTracker._get_model_name</c>: the value after the first of these prefixes found (a substring test), up to ','.</summary>
    public static string ModelName(string modelArgs)
    {
        foreach (var prefix in new[] { "peft=", "delta=", "pretrained=", "model=", "model_version=", "model_name=", "model_id=", "path=", "engine=" })
        {
            var at = modelArgs.IndexOf(prefix, StringComparison.Ordinal);
            if (at >= 0)
            {
                return modelArgs[(at + prefix.Length)..].Split(',')[0];
            }
        }

        return "";
    }

    private static string Sha256(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));

    private static string Short(string s) => s.Length > 8 ? s[..8] : s;

    private static KeyValuePair<string, JsonNode?> Pair(string key, JsonNode? value) => KeyValuePair.Create(key, value);
}
