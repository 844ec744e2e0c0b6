using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.LmmsEval;

/// <summary>
/// Issue 24 §1-2: with --output_path the lmms-eval-named files carry lmms-eval 75571cf's schema, and the console shows
/// its make_table. The expected files under golden/ are written by hand from lmms-eval's code; golden/README.md cites
/// the function and line of every rule.
/// </summary>
public sealed class LmmsEvalOutputTests : IDisposable
{
    private static readonly string s_golden = Path.Combine(TestPaths.RepoRoot, "tests", "LLaDAV.Eval.Cli.Tests", "LmmsEval", "golden");

    private readonly string _out = Directory.CreateTempSubdirectory("lladav-lmmsout-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private async Task<(int Code, string Out, string Err)> RunGoldenAsync(params string[] extra) =>
        await Cli.RunAsync([
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--run-id", "g", "--model", "replay",
            "--model_args", $"responses={Path.Combine(Cli.Tasks, "*", "sample", "responses.jsonl")}",
            "--tasks", "mme,mmmu,mmstar", "--log_samples", "--output_path", _out, .. extra]);

    [Fact]
    public async Task Should_write_results_json_as_lmms_eval_does_key_by_key_and_type_by_type()
    {
        var (code, output, error) = await RunGoldenAsync();
        Assert.True(code == 0, output + error);

        // model_args has none of _get_model_name's prefixes: model_name "" and the file sits in output_path itself.
        var text = File.ReadAllText(Path.Combine(_out, "20260101_080000_results.json"));
        Golden.AssertMatches(Golden.Load("results.json"), JsonNode.Parse(text), "$");

        // json.dumps(indent=2): two-space indent, ", " never at a line end, floats keep their point.
        Assert.Contains("\n  \"results\": {\n    \"mme\": {\n      \"alias\": \"mme\",\n      \"mme_perception_score,none\": 325.0,", text, StringComparison.Ordinal);
        Assert.Contains("\"usage\": {},", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mme")]
    [InlineData("mmmu_val")]
    [InlineData("mmstar")]
    public async Task Should_write_samples_as_lmms_eval_does_line_by_line(string task)
    {
        var (code, output, error) = await RunGoldenAsync();
        Assert.True(code == 0, output + error);
        var expected = File.ReadAllLines(Path.Combine(s_golden, $"samples_{task}.jsonl"));
        var actual = File.ReadAllLines(Path.Combine(_out, $"20260101_080000_samples_{task}.jsonl"));
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Golden.AssertMatches(JsonNode.Parse(expected[i]), JsonNode.Parse(actual[i]), $"{task}[{i}]");

            // json.dumps default separators: ", " and ": " on one line.
            Assert.StartsWith($"{{\"doc_id\": {i}, \"target\": ", actual[i], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Should_hash_each_tasks_samples_as_save_results_aggregated_does()
    {
        var (code, output, error) = await RunGoldenAsync();
        Assert.True(code == 0, output + error);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "20260101_080000_results.json")))!;

        // evaluation_tracker.py 182-186: hash_string("".join(f"sample_{index}" + s["doc_hash"] for index, s in enumerate(task_samples))).
        foreach (var task in new[] { "mme", "mmmu_val", "mmmu_test", "mmstar" })
        {
            var lines = File.ReadAllLines(Path.Combine(_out, $"20260101_080000_samples_{task}.jsonl"));
            var joined = string.Concat(lines.Select((l, i) => $"sample_{i}" + (string)JsonNode.Parse(l)!["doc_hash"]!));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined))), (string)results["task_hashes"]![task]!);
        }
    }

    [Fact]
    public async Task Should_print_the_banner_and_make_tables_markdown_before_our_summary()
    {
        var (code, output, error) = await RunGoldenAsync();
        Assert.True(code == 0, output + error);
        var modelArgs = $"responses={Path.Combine(Cli.Tasks, "*", "sample", "responses.jsonl")}";
        var expected = File.ReadAllText(Path.Combine(s_golden, "table.md")).Replace("<model_args>", modelArgs, StringComparison.Ordinal);
        Assert.Contains(expected, output.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(output.IndexOf("|   Tasks    |", StringComparison.Ordinal) < output.IndexOf("Results (", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task Should_leave_task_hashes_empty_and_write_no_samples_without_log_samples()
    {
        var (code, output, error) = await Cli.RunAsync(
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--run-id", "n", "--model", "replay",
            "--model_args", $"responses={Path.Combine(Cli.Tasks, "*", "sample", "responses.jsonl")}", "--tasks", "mme", "--output_path", _out);
        Assert.True(code == 0, output + error);

        // save_results_aggregated: task_hashes = {} unless samples are logged; save_results_samples only with --log_samples.
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "20260101_080000_results.json")))!;
        Assert.Empty(results["task_hashes"]!.AsObject());
        Assert.False(results["config"]!["resolved_cli_args"]!["log_samples"]!.GetValue<bool>());
        Assert.Empty(Directory.GetFiles(_out, "*_samples_*.jsonl"));
    }
}

/// <summary>Compares a hand-written golden with a written file: key order, Python type, value (placeholders: golden/README.md).</summary>
internal static class Golden
{
    public static JsonNode Load(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tests", "LLaDAV.Eval.Cli.Tests", "LmmsEval", "golden", name)))!;

    public static void AssertMatches(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is var s && s.StartsWith('<') && s.EndsWith('>') && s.Length > 2 && !s.Contains(' ', StringComparison.Ordinal):
                Placeholder(s, actual, path);
                return;
            case null:
                Assert.True(actual is null, $"{path}: expected None, got {actual?.ToJsonString()}");
                return;
            case JsonObject o:
                var a = Assert.IsType<JsonObject>(actual, exactMatch: false);
                var ordered = !path.EndsWith(".generation_kwargs", StringComparison.Ordinal);
                var expectedKeys = o.Select(kv => kv.Key).ToList();
                var actualKeys = a.Select(kv => kv.Key).ToList();
                Assert.True(ordered ? expectedKeys.SequenceEqual(actualKeys) : expectedKeys.Order().SequenceEqual(actualKeys.Order()),
                    $"{path}: keys differ.\n expected: {string.Join(" | ", expectedKeys)}\n actual:   {string.Join(" | ", actualKeys)}");
                foreach (var (key, value) in o)
                {
                    AssertMatches(value, a[key], $"{path}.{key}");
                }

                return;
            case JsonArray arr:
                var b = Assert.IsType<JsonArray>(actual, exactMatch: false);
                Assert.True(arr.Count == b.Count, $"{path}: expected {arr.Count} items, got {b.Count}: {b.ToJsonString()}");
                for (var i = 0; i < arr.Count; i++)
                {
                    AssertMatches(arr[i], b[i], $"{path}[{i}]");
                }

                return;
            case JsonValue v:
                Assert.True(actual is JsonValue, $"{path}: expected {v.ToJsonString()}, got {actual?.ToJsonString() ?? "None"}");
                Assert.True(Kind(v) == Kind(actual!.AsValue()), $"{path}: expected a {Kind(v)} ({v.ToJsonString()}), got a {Kind(actual.AsValue())} ({actual.ToJsonString()})");
                if (Kind(v) == "float")
                {
                    var e = v.GetValue<double>();
                    var g = actual.GetValue<double>();
                    Assert.True(Math.Abs(e - g) <= 1e-12 * Math.Max(1, Math.Abs(e)), $"{path}: expected {e}, got {g}");
                }
                else
                {
                    Assert.True(v.ToJsonString() == actual.ToJsonString(), $"{path}: expected {v.ToJsonString()}, got {actual.ToJsonString()}");
                }

                return;
        }
    }

    private static void Placeholder(string placeholder, JsonNode? actual, string path)
    {
        switch (placeholder)
        {
            case "<str>":
                Assert.True(actual is JsonValue sv && sv.GetValueKind() == JsonValueKind.String, $"{path}: expected a str, got {actual?.ToJsonString() ?? "None"}");
                break;
            case "<float>":
                Assert.True(actual is JsonValue fv && Kind(fv) == "float", $"{path}: expected a float, got {actual?.ToJsonString() ?? "None"}");
                break;
            case "<sha256>":
                Assert.Matches("^[0-9a-f]{64}$", actual?.GetValue<string>() ?? "");
                break;
            case "<object>":
                Assert.IsType<JsonObject>(actual, exactMatch: false);
                break;
            default:
                throw new InvalidOperationException($"{path}: unknown placeholder {placeholder}");
        }
    }

    /// <summary>The Python type json.loads gives: a number with a point or exponent is a float.</summary>
    private static string Kind(JsonValue v) => v.GetValueKind() switch
    {
        JsonValueKind.String => "str",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Null => "None",
        JsonValueKind.Number => v.ToJsonString().AsSpan().IndexOfAny(".eE") >= 0 ? "float" : "int",
        _ => "other",
    };
}
