using System.Text.Json.Nodes;
using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Judging;
using LLaDAV.Eval.Reports.Html;
using LLaDAV.Eval.Reports.Runs;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Judging;

/// <summary>
/// Issue 14 §3: a judge failure leaves samples unscored (never wrong), marks the task incomplete, and --resume
/// re-scores exactly those samples; a dead judge (closed port, HTTP 500, a server that never answers) is cut off by
/// the breaker after a bounded number of requests.
/// </summary>
public sealed class JudgeFailureTests : IDisposable
{
    private const string Task = "mathverse_testmini_vision_only";
    private const string Metric = "gpt_eval_score,none";

    private readonly string _dir = Directory.CreateTempSubdirectory("lladav-judge-failure-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// The stub judge's verdict rule, checked by hand against the four replayed MathVerse sample responses
    /// ("B", "B. 8", "5", ""): it answers 1 when the prediction starts with "B", so docs 0 and 1 are right and the
    /// complete score is 2/4 = 0.5.
    /// </summary>
    private static (int, string) Verdict(string prompt) => (200, prompt.Contains("Model Prediction:\n```\nB", StringComparison.Ordinal) ? "1" : "0");

    private static bool IsDoc0Or2(string prompt) =>
        prompt.Contains("Model Prediction:\n```\nB\n```", StringComparison.Ordinal) || prompt.Contains("Model Prediction:\n```\n5\n```", StringComparison.Ordinal);

    private JudgeOptions Options(Uri endpoint, int attempts, int breaker, double timeoutSeconds = 10) =>
        new(endpoint, "judge-model", null, Path.Combine(_dir, "cache-" + Guid.NewGuid().ToString("N")))
        {
            MaxAttempts = attempts,
            BreakerThreshold = breaker,
            RetryDelay = TimeSpan.Zero,
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
            SlowRequestNotice = TimeSpan.FromMilliseconds(50),
        };

    private static List<string> FailAll(OpenAiCompatibleJudge judge, int prompts)
    {
        var errors = new List<string>();
        for (var i = 0; i < prompts; i++)
        {
            errors.Add(Assert.Throws<JudgeException>(() => judge.Complete($"prompt {i}", CancellationToken.None)).Message);
        }

        return errors;
    }

    [Fact]
    public void Should_stop_calling_a_closed_port_after_the_breaker_opens()
    {
        var events = new List<JudgeEvent>();
        using var judge = new OpenAiCompatibleJudge(Options(ClosedPort.Endpoint(), attempts: 2, breaker: 3), events: e => { lock (events) { events.Add(e); } });
        var errors = FailAll(judge, prompts: 6);

        // Prompt 0: 2 failed requests; prompt 1: the third opens the breaker; prompts 2-5 send nothing.
        Assert.Equal(3, judge.Requests);
        Assert.Equal(6, judge.Failures);
        Assert.All(errors[2..], e => Assert.Contains("treated as down after 3 consecutive failed requests", e, StringComparison.Ordinal));
        Assert.Single(events, e => e.Kind == JudgeEventKind.CircuitOpen);
        Assert.Contains(events, e => e.Kind == JudgeEventKind.Retrying);
        Assert.True((bool)judge.ToManifest()["circuit_open"]!);
    }

    [Fact]
    public void Should_stop_calling_an_endpoint_that_answers_500_after_the_breaker_opens()
    {
        using var server = new StubChatServer(_ => (500, "overloaded"), maxRequests: 64);
        using var judge = new OpenAiCompatibleJudge(Options(server.Endpoint, attempts: 2, breaker: 4));
        var errors = FailAll(judge, prompts: 10);
        Assert.Equal(4, server.Prompts.Count);
        Assert.Contains("HTTP 500", errors[0], StringComparison.Ordinal);
        Assert.Contains("HTTP 500", errors[9], StringComparison.Ordinal);
    }

    [Fact]
    public void Should_time_out_a_judge_that_never_answers_report_the_wait_and_give_up_after_the_breaker()
    {
        using var server = new HangingChatServer();
        var events = new List<JudgeEvent>();
        using var judge = new OpenAiCompatibleJudge(Options(server.Endpoint, attempts: 2, breaker: 3, timeoutSeconds: 0.3), events: e => { lock (events) { events.Add(e); } });
        var errors = FailAll(judge, prompts: 5);

        // Requests counted on the client: the stub's accept loop may lag behind on a loaded thread pool.
        Assert.Equal(3, judge.Requests);
        Assert.InRange(server.Connections, 1, 3);
        Assert.Contains("timed out after 0.3 s", errors[0], StringComparison.Ordinal);
        lock (events)
        {
            Assert.Contains(events, e => e.Kind == JudgeEventKind.Waiting && e.Message.Contains("gives up after 0.3 s", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Should_close_the_breaker_again_after_a_success()
    {
        // bad, good, bad, good with 2 attempts and a breaker of 3: only consecutive failures count, so nothing opens.
        using var server = new StubChatServer(p => p.StartsWith("bad", StringComparison.Ordinal) ? (500, "no") : (200, "ok"), maxRequests: 64);
        using var judge = new OpenAiCompatibleJudge(Options(server.Endpoint, attempts: 2, breaker: 3));
        Assert.Throws<JudgeException>(() => judge.Complete("bad 1", CancellationToken.None));
        Assert.Equal("ok", judge.Complete("good 1", CancellationToken.None));
        Assert.Throws<JudgeException>(() => judge.Complete("bad 2", CancellationToken.None));
        Assert.Equal("ok", judge.Complete("good 2", CancellationToken.None));
        Assert.Equal(6, server.Prompts.Count);
    }

    private async Task<RunOutcome> RunAsync(string id, Uri judge, string cache, bool resume = false, int attempts = 1, int breaker = 4, double timeout = 10)
    {
        var root = TestPaths.RepoRoot;
        var catalog = TaskCatalog.Load(Path.Combine(root, "tasks"), HookRegistry.CreateDefault());
        var runner = new EvaluationRunner(catalog, BackendRegistry.Default, DatasetReaders.All, SilentObserver.Instance);
        var config = new RunConfig
        {
            Tasks = [Task],
            Model = "replay",
            ModelArgs = "responses=" + Path.Combine(root, "tasks", "mathverse", "sample", "responses.jsonl"),
            Judge = new JudgeSettings(judge.ToString(), "judge-model", null)
            {
                CacheDirectory = Path.Combine(_dir, cache),
                MaxAttempts = attempts,
                BreakerThreshold = breaker,
                Timeout = TimeSpan.FromSeconds(timeout),
            },
        };
        return await runner.RunAsync(new RunRequest(config, Path.Combine(_dir, id), resume, root), CancellationToken.None);
    }

    private static string WithoutDate(JsonObject results)
    {
        var copy = results.DeepClone().AsObject();
        copy.Remove("date");
        return copy.ToJsonString();
    }

    [Fact]
    public async Task Should_leave_failed_samples_unscored_and_resume_to_exactly_the_score_of_a_run_without_failures()
    {
        var failing = false;
        using var server = new StubChatServer(p => failing && IsDoc0Or2(p) ? (500, "overloaded") : Verdict(p), maxRequests: 64);
        var reference = await RunAsync("reference", server.Endpoint, "cache-reference");
        Assert.Equal(0.5, (double)reference.Results["results"]![Task]![Metric]!, 12);
        Assert.False(reference.Results["results"]![Task]!.AsObject().ContainsKey("incomplete"));

        failing = true;
        var before = server.Prompts.Count;
        var broken = await RunAsync("broken", server.Endpoint, "cache-run");
        var row = broken.Results["results"]![Task]!;

        // Docs 0 and 2 are unscored, not wrong: the score is over docs 1 (right) and 3 (wrong) = 0.5. Counting the
        // failures as wrong would give 1/4 = 0.25, the silent lowering the issue reports.
        Assert.Equal(0.5, (double)row[Metric]!, 12);
        Assert.True((bool)row["incomplete"]!);
        var incomplete = ResultsWriter.Incomplete(broken.Results)[Task]!;
        Assert.Equal([0, 2], incomplete["doc_ids"]!.AsArray().Select(n => (int)n!));
        Assert.Equal(2, (int)incomplete["unscored_samples"]!);
        Assert.Contains("INCOMPLETE", File.ReadAllText(Path.Combine(_dir, "broken", "report.md")), StringComparison.Ordinal);

        // report.md has one writer (issue 28 §4): what the run wrote is that writer's page of the run, and 'report'
        // (the same writer, with the paper and plots) and report.html keep the note; the report verb's page used to drop it.
        var page = RunReportModel.Build(RunDirectory.Load(Path.Combine(_dir, "broken")), paper: null, figures: []);
        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "broken", "report.md")), new RunReportMarkdownWriter().Write(page));
        Assert.Contains(
            $"**INCOMPLETE: {Task}**: the judge failed on 2 samples; they are unscored (not wrong)",
            new RunReportMarkdownWriter().Write(page with { HasPaper = true }),
            StringComparison.Ordinal);
        Assert.Contains($"INCOMPLETE: {Task}: the judge failed on 2 samples", new RunReportHtmlWriter().Write(page), StringComparison.Ordinal);

        // The judge works again: resume sends exactly the two failed prompts and nothing else.
        failing = false;
        var afterBroken = server.Prompts.Count;
        var resumed = await RunAsync("broken", server.Endpoint, "cache-run", resume: true);
        var retried = server.Prompts.Skip(afterBroken).ToList();
        Assert.Equal(2, retried.Count);
        Assert.All(retried, p => Assert.True(IsDoc0Or2(p)));
        Assert.Equal(server.Prompts.Skip(before).Take(4).Where(IsDoc0Or2), retried);

        Assert.Equal(WithoutDate(reference.Results), WithoutDate(resumed.Results));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(_dir, "reference", $"samples_{Task}.jsonl")),
            File.ReadAllBytes(Path.Combine(_dir, "broken", $"samples_{Task}.jsonl")));
        Assert.Empty(ResultsWriter.Incomplete(resumed.Results));

        // A second resume has nothing left to do: no request.
        var settled = server.Prompts.Count;
        await RunAsync("broken", server.Endpoint, "cache-run", resume: true);
        Assert.Equal(settled, server.Prompts.Count);
    }

    [Fact]
    public async Task Should_report_no_score_at_all_when_a_closed_port_judge_fails_every_sample()
    {
        var outcome = await RunAsync("closed", ClosedPort.Endpoint(), "cache-closed", attempts: 2, breaker: 2);
        var row = outcome.Results["results"]![Task]!.AsObject();
        Assert.False(row.ContainsKey(Metric));
        Assert.True((bool)row["incomplete"]!);
        Assert.Equal([0, 1, 2, 3], ResultsWriter.Incomplete(outcome.Results)[Task]!["doc_ids"]!.AsArray().Select(n => (int)n!));
        var judge = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "closed", "judge.json")))!;
        Assert.Equal(2, (long)judge["requests"]!);
        Assert.True((bool)judge["circuit_open"]!);
    }

    [Fact]
    public async Task Should_bound_a_hanging_judge_by_the_breaker_in_a_run()
    {
        using var server = new HangingChatServer();
        var outcome = await RunAsync("hang", server.Endpoint, "cache-hang", attempts: 2, breaker: 3, timeout: 0.3);
        var judge = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "hang", "judge.json")))!;
        Assert.Equal(3, (long)judge["requests"]!);
        Assert.Equal(4, (long)judge["failures"]!);
        Assert.InRange(server.Connections, 1, 3);
        Assert.Equal(4, (int)ResultsWriter.Incomplete(outcome.Results)[Task]!["unscored_samples"]!);
    }
}
