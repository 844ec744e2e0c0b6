using System.Text.Json.Nodes;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>
/// <c>run --model openai_compatible</c> end to end against a scripted OpenAI-compatible server (issue 25 §3) that
/// answers each MMStar doc with its shipped sample response (tasks/mmstar/sample/responses.jsonl) and injects a fault
/// per doc: 429 with Retry-After, a reset connection, persistent 500s, a hang past the timeout, a reply without usage,
/// and a reasoning model that ran out of tokens (finish_reason length, content null, reasoning_content). Expected
/// values are the replay run's (same responses) and sums of the script's usage numbers.
/// </summary>
public sealed class OpenAiRunTests : IDisposable
{
    private const string Secret = "sk-e2e-secret-4711";
    private readonly string _root = Directory.CreateTempSubdirectory("lladav-openai-run-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonObject Json(string file) => JsonNode.Parse(File.ReadAllText(file))!.AsObject();

    private static List<JsonObject> Lines(string file) => [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())];

    private string[] Args(string dataDir, string model, string id, string modelArgs) =>
    [
        "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", Path.Combine(_root, "runs"), "--run-id", id,
        "--tasks", "mmstar", "--data-dir", dataDir, "--model", model, "--model-args", modelArgs, "--batch-size", "6",
    ];

    [Fact]
    public async Task Faults_leave_nothing_lost_nothing_scored_wrongly_and_resume_equals_a_replay()
    {
        var data = TestPaths.SamplesAsDataDir(Path.Combine(_root, "data"), "mmstar");
        var responses = Path.Combine(Cli.Tasks, "mmstar", "sample", "responses.jsonl");

        // The replay of the shipped responses on the same data: the prompts by doc and the reference results.
        var (replayCode, replayOut, replayErr) = await Cli.RunAsync(Args(data, "replay", "ref", $"responses={responses}"));
        Assert.True(replayCode == 0, replayOut + replayErr);
        var replayDir = Path.Combine(_root, "runs", "replay", "ref");
        var docOf = Lines(Path.Combine(replayDir, "samples_mmstar.jsonl")).ToDictionary(s => (string)s["input"]!, s => (int)s["doc_id"]!);
        var answer = Lines(responses).ToDictionary(l => (int)l["doc_id"]!, l => (string)l["response"]!);
        Assert.Equal(6, docOf.Count);

        var healed = false;
        using var server = new ScriptedOpenAiServer(r =>
        {
            var doc = docOf[r.LastText];
            return doc switch
            {
                0 when r.Attempt == 1 => ScriptedReply.Error(429, "Rate limit reached", ("Retry-After", "0")),
                1 when r.Attempt == 1 => new ScriptedReply.Reset(),
                2 when !healed => ScriptedReply.Error(500, "The server had an error while processing your request."),
                3 when r.Attempt == 1 => new ScriptedReply.Hang(),
                4 => ScriptedReply.Completion(answer[4], withUsage: false),
                // The sample's doc 5 answer is "": here a reasoning model that spent its tokens thinking.
                5 => ScriptedReply.Completion(null, "length", (20, 8), reasoning: "The figure shows... let me count the"),
                _ => ScriptedReply.Completion(answer[doc]),
            };
        });
        var modelArgs = $"model=scripted-vlm,base_url={server.BaseUrl},api_key={Secret},max_retries=3,retry_backoff_s=0,timeout=0.5,num_concurrent=3,price_prompt_per_mtok=2,price_completion_per_mtok=8";

        var (code, output, error) = await Cli.RunAsync(Args(data, "openai_compatible", "o1", modelArgs));
        var dir = Path.Combine(_root, "runs", "openai_compatible", "o1");
        Assert.True(code == 4, output + error);
        Assert.Contains("INCOMPLETE mmstar: 1 samples have no answer (request_failed", output, StringComparison.Ordinal);

        // Doc 2 is journaled unscored, with no answer; the others are scored as the replay scores them.
        var journal = Lines(Path.Combine(dir, "journal", "mmstar.jsonl")).ToDictionary(e => (int)e["doc_id"]!);
        Assert.Equal([0, 1, 2, 3, 4, 5], journal.Keys.Order());
        var failed = journal[2];
        Assert.Equal("requestfailed", (string?)failed["records"]![0]!["extraction"]!["status"]);
        Assert.Empty(failed["records"]![0]!["resps"]!.AsArray());
        Assert.Equal(3, (int)failed["request_failed"]!["attempts"]!);
        Assert.Contains("HTTP 500", (string?)failed["request_failed"]!["error"], StringComparison.Ordinal);
        var results = Json(Path.Combine(dir, "results.json"));
        Assert.Equal([2], results["lladav_eval"]!["incomplete"]!["mmstar"]!["doc_ids"]!.AsArray().Select(d => (int)d!));
        Assert.Equal("request_failed", (string?)results["lladav_eval"]!["incomplete"]!["mmstar"]!["reason"]);
        // One doc per l2 category (RunCommandTests): docs 0, 3, 4 right, 1 and 5 wrong, doc 2 left out → 3/5.
        Assert.Equal(0.6, (double)results["results"]!["mmstar"]!["average,none"]!, 12);

        // What the API said is recorded per sample: the truncated reasoning answer, the reply without usage.
        Assert.True((bool)journal[5]["served"]!["truncated"]!);
        Assert.Equal(("length", "The figure shows... let me count the"), ((string?)journal[5]["served"]!["finish_reason"], (string?)journal[5]["served"]!["reasoning_content"]));
        Assert.Null(journal[4]["served"]!["usage"]);
        Assert.Equal(2, (int)journal[0]["attempts"]!);
        Assert.Equal(1, (int)results["lladav_eval"]!["served_usage"]!["mmstar"]!["requests_failed"]!);

        // The server comes back: --resume asks again for doc 2 only, with the same bytes, and the run completes.
        healed = true;
        var before = server.Requests.Count;
        var (resumeCode, resumeOut, resumeErr) = await Cli.RunAsync("run", "--resume", dir, "--tasks-dir", Cli.Tasks, "--model-args", modelArgs);
        Assert.True(resumeCode == 0, resumeOut + resumeErr);
        var asked = server.Requests.Skip(before).ToList();
        Assert.Equal([2], asked.Select(r => docOf[r.LastText]));
        Assert.Equal(4, asked[0].Attempt); // three failed attempts before, then this one: one body for the doc throughout

        // Equal to the replay of the same responses; usage summed from the script (docs 0-3: 11+3 each, doc 5: 20+8,
        // doc 4 none); cost = (64 × 2 + 20 × 8) / 1e6.
        results = Json(Path.Combine(dir, "results.json"));
        Assert.Equal(Json(Path.Combine(replayDir, "results.json"))["results"]!.ToJsonString(), results["results"]!.ToJsonString());
        Assert.Null(results["lladav_eval"]!["incomplete"]);
        var usage = results["lladav_eval"]!["served_usage"]!["mmstar"]!;
        Assert.Equal((6, 0, 64L, 20L, 1, 1), ((int)usage["requests_answered"]!, (int)usage["requests_failed"]!, (long)usage["prompt_tokens"]!, (long)usage["completion_tokens"]!, (int)usage["answers_without_usage"]!, (int)usage["truncated"]!));
        Assert.Equal(0.000288, (double)usage["cost"]!["total"]!, 12);
        var ours = Lines(Path.Combine(dir, "samples_mmstar.jsonl"));
        var theirs = Lines(Path.Combine(replayDir, "samples_mmstar.jsonl"));
        Assert.Equal(theirs.Select(s => (s["doc_id"]!.ToJsonString(), s["resps"]!.ToJsonString(), s["input"]!.ToJsonString())), ours.Select(s => (s["doc_id"]!.ToJsonString(), s["resps"]!.ToJsonString(), s["input"]!.ToJsonString())));

        // The key went to the server and nowhere else.
        Assert.All(server.Requests, r => Assert.Equal("Bearer " + Secret, r.Authorization));
        Assert.All(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories), f => Assert.DoesNotContain(Secret, File.ReadAllText(f), StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, output + resumeOut, StringComparison.Ordinal);

        // A second, fault-free run sends byte-identical bodies.
        var firstBodies = server.Requests.Select(r => r.Body).ToHashSet(StringComparer.Ordinal);
        var mark = server.Requests.Count;
        var (againCode, againOut, againErr) = await Cli.RunAsync(Args(data, "openai", "o2", modelArgs));
        Assert.True(againCode == 0, againOut + againErr);
        var secondBodies = server.Requests.Skip(mark).Select(r => r.Body).ToHashSet(StringComparer.Ordinal);
        Assert.True(firstBodies.SetEquals(secondBodies));
        Assert.Equal(6, secondBodies.Count);
    }

    [Fact]
    public void A_served_model_never_scores_the_embedded_sample()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "hf")).FullName;
        var (code, output) = Cli.RunProcess(new Dictionary<string, string> { ["HF_HOME"] = empty, ["HF_HUB_CACHE"] = Path.Combine(empty, "hub"), ["HF_HUB_OFFLINE"] = "1" },
            "run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", Path.Combine(_root, "runs"), "--run-id", "s", "--tasks", "mmstar",
            "--model", "openai_compatible", "--model-args", "model=m,base_url=http://127.0.0.1:9/v1");
        Assert.True(code == 3, output);
        Assert.False(Directory.Exists(Path.Combine(_root, "runs", "openai_compatible", "s")));
    }

    [Fact]
    public async Task Unknown_model_args_are_refused_before_anything_is_written()
    {
        var (code, _, error) = await Cli.RunAsync("run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", Path.Combine(_root, "runs"), "--run-id", "u",
            "--tasks", "mmstar", "--model", "openai", "--model-args", "model=m,pretrained=x");
        Assert.Equal(2, code);
        Assert.Contains("pretrained", error, StringComparison.Ordinal);
        Assert.Contains("num_concurrent", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "runs", "openai", "u")));
    }
}
