using System.Text.Json.Nodes;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Judging;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Tasks.Families.Mathverse;
using LLaDAV.Eval.Tasks.Families.Mathvista;
using LLaDAV.Eval.Tasks.Families.Mmbench;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Tests.Tasks;

namespace LLaDAV.Eval.Tests.Judging;

public sealed class OpenAiCompatibleJudgeTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "lladav-judge-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    private OpenAiCompatibleJudge Judge(StubChatServer server, string model = "judge-model", string? keyVariable = null) =>
        new(new JudgeOptions(server.Endpoint, model, keyVariable, _cache) { MaxAttempts = 2, RetryDelay = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(10) });

    [Fact]
    public void Should_answer_from_the_endpoint_once_then_from_the_disk_cache()
    {
        using var server = new StubChatServer(_ => (200, "  1 \n"));
        var prompt = JudgePrompt.Create("t", "Q: {q}", ("q", "2+2"));
        using (var judge = Judge(server))
        {
            Assert.Equal("1", judge.Complete(prompt, CancellationToken.None));
            Assert.Equal("1", judge.Complete(prompt, CancellationToken.None));
            Assert.Equal(1, judge.Requests);
            Assert.Equal(1, judge.CacheHits);
            Assert.Equal(1L, (long)judge.ToManifest()["cache_hits"]!);
        }

        // A new judge over the same folder: still cached. Another model: a new call.
        using (var again = Judge(server))
        {
            Assert.Equal("1", again.Complete(prompt, CancellationToken.None));
            Assert.Equal(0, again.Requests);
        }

        using (var other = Judge(server, model: "other-model"))
        {
            Assert.Equal("1", other.Complete(prompt, CancellationToken.None));
            Assert.Equal(1, other.Requests);
        }

        Assert.Equal(["Q: 2+2", "Q: 2+2"], server.Prompts);
        var entry = JsonNode.Parse(File.ReadAllText(Directory.EnumerateFiles(Path.Combine(_cache, "judge-model"), "*.json", SearchOption.AllDirectories).Single()))!;
        Assert.Equal(prompt.TemplateHash, (string)entry["template_sha256"]!);
        Assert.Equal(prompt.InputHash, (string)entry["input_sha256"]!);
        Assert.Equal("1", (string)entry["response"]!);
    }

    [Fact]
    public void Should_report_a_failing_endpoint_after_the_bounded_attempts_and_cache_nothing()
    {
        using var server = new StubChatServer(_ => (500, "overloaded"));
        using var judge = Judge(server);
        var error = Assert.Throws<JudgeException>(() => judge.Complete("hello", CancellationToken.None));
        Assert.Contains("HTTP 500", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Prompts.Count);
        Assert.Equal(1, judge.Failures);
        Assert.Empty(Directory.EnumerateFiles(_cache, "*.json", SearchOption.AllDirectories));
    }

    [Fact]
    public void Should_send_the_key_from_the_named_variable_and_refuse_an_unset_one()
    {
        var variable = "LLADAV_JUDGE_TEST_KEY_" + Guid.NewGuid().ToString("N")[..8];
        using var server = new StubChatServer(_ => (200, "ok"));
        Assert.Throws<ConfigException>(() => Judge(server, keyVariable: variable));
        Environment.SetEnvironmentVariable(variable, "secret-1");
        try
        {
            using var judge = Judge(server, keyVariable: variable);
            Assert.Equal("ok", judge.Complete("x", CancellationToken.None));
            Assert.Equal(["Authorization: Bearer secret-1"], server.Authorizations);
            Assert.DoesNotContain("secret-1", judge.ToManifest().ToJsonString(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Should_append_chat_completions_to_a_base_url()
    {
        var options = new JudgeOptions(new Uri("http://127.0.0.1:9/v1/"), "m", null, _cache);
        Assert.Equal("http://127.0.0.1:9/v1/chat/completions", options.ChatCompletionsUri.ToString());
        Assert.Equal(options.ChatCompletionsUri, (options with { Endpoint = options.ChatCompletionsUri }).ChatCompletionsUri);
    }

    [Fact]
    public void Should_judge_mathverse_with_the_binary_prompt_and_record_failures()
    {
        var doc = TaskSamples.Docs("mathverse_testmini_vision_only")[1];
        using (var server = new StubChatServer(_ => (200, "1")))
        using (var judge = Judge(server))
        {
            var score = MathverseFamily.ProcessResults(doc, "B. 8", TaskSamples.Context(judge: judge));
            Assert.Equal(ExtractionStatus.Judge, score.Extraction.Status);
            Assert.Equal(1, (int)score.Get("gpt_eval_score")!);
            var prompt = Assert.Single(server.Prompts);
            Assert.StartsWith("You are a strict evaluator assessing answer correctness. You must output 1 for fully correct answers and 0 for any other case.", prompt, StringComparison.Ordinal);
            Assert.Contains("Ground Truth Answer:\n```\nB\n```\nModel Prediction:\n```\nB. 8\n```", prompt, StringComparison.Ordinal);
            Assert.Contains("the chord AB is ()\nChoices:\nA:6", prompt, StringComparison.Ordinal);
        }

        // A different judge model: the verdict cached above must not answer for it.
        using (var failing = new StubChatServer(_ => (503, "down")))
        using (var judge = Judge(failing, model: "another-judge"))
        {
            var score = MathverseFamily.ProcessResults(doc, "B. 8", TaskSamples.Context(judge: judge));
            Assert.Equal(ExtractionStatus.JudgeFailed, score.Extraction.Status);
            Assert.Equal(0, (int)score.Get("gpt_eval_score")!);
            Assert.Contains("HTTP 503", (string)score.Get("submission")!["judge_error"]!, StringComparison.Ordinal);
            Assert.Equal("another-judge", (string)score.Get("submission")!["judge"]!["model"]!);
        }
    }

    [Fact]
    public void Should_extract_mathvista_answers_with_the_demo_prompt()
    {
        var doc = TaskSamples.Docs("mathvista_testmini_format")[1];
        using var server = new StubChatServer(_ => (200, "C"));
        using var judge = Judge(server);
        var score = MathvistaFamily.ProcessResults(doc, "(C)", TaskSamples.Context(judge: judge));
        Assert.Equal(ExtractionStatus.Judge, score.Extraction.Status);
        Assert.Equal("6/11", (string)score.Get("llm_as_judge_eval")!["prediction"]!);
        Assert.True((bool)score.Get("llm_as_judge_eval")!["true_false"]!);
        var provenance = score.Get("llm_as_judge_eval")!["judge"]!;
        Assert.Equal("judge-model", (string)provenance["model"]!);
        Assert.Equal("mathvista.extract", (string)provenance["template"]!);
        Assert.Equal(JudgePrompt.Create("x", MathvistaFamily.ExtractionTemplate).TemplateHash, (string)provenance["template_sha256"]!);
        var prompt = Assert.Single(server.Prompts);
        Assert.StartsWith("Please read the following example.", prompt, StringComparison.Ordinal);
        Assert.EndsWith("(D) 3/5\n\n(C)\n\nExtracted answer: ", prompt, StringComparison.Ordinal);

        // Rules still come first: an integer response never reaches the judge.
        MathvistaFamily.ProcessResults(TaskSamples.Docs("mathvista_testmini_format")[2], "14", TaskSamples.Context(judge: judge));
        Assert.Single(server.Prompts);
    }

    [Fact]
    public void Should_match_undecided_mmbench_rows_with_the_judge_only_when_rules_fail()
    {
        var docs = TaskSamples.Docs("mmbench_en_dev");
        using var server = new StubChatServer(p => (200, p.Contains("Answer: Z\n", StringComparison.Ordinal) ? "I cannot tell" : "A"));
        using var judge = Judge(server);
        var decided = MmbenchFamily.ProcessResults(docs[0], "A", TaskSamples.Context(judge: judge), useJudge: true);
        Assert.Equal("mmbench.can_infer_option", decided.Extraction.Rule);
        Assert.Empty(server.Prompts);

        var judged = MmbenchFamily.ProcessResults(docs[3], "", TaskSamples.Context(judge: judge), useJudge: true);
        Assert.Equal(ExtractionStatus.Judge, judged.Extraction.Status);
        Assert.Equal("A", judged.Extraction.Answer);
        Assert.Contains("Question: What is the main color??\nOptions: There are several options: \nA. green\nB. yellow\n\nAnswer: \nYour output: ", server.Prompts[0], StringComparison.Ordinal);

        // An unusable judge answer → upstream's random letter among the options plus "E", doc-seeded here.
        var random = MmbenchFamily.ProcessResults(docs[3], "Z", TaskSamples.Context(judge: judge), useJudge: true);
        Assert.Equal(ExtractionStatus.Fallback, random.Extraction.Status);
        Assert.Contains(random.Extraction.Answer, new[] { "A", "B", "E" });

        // The static variant never calls the judge.
        var count = server.Prompts.Count;
        var stat = MmbenchFamily.ProcessResults(docs[3], "", TaskSamples.Context(judge: judge), useJudge: false);
        Assert.Equal(ExtractionStatus.Unparseable, stat.Extraction.Status);
        Assert.Equal(count, server.Prompts.Count);
    }

    [Fact]
    public void Should_mark_mmbench_rows_judge_failed_when_the_endpoint_fails()
    {
        using var server = new StubChatServer(_ => (500, "boom"));
        using var judge = Judge(server);
        var score = MmbenchFamily.ProcessResults(TaskSamples.Docs("mmbench_en_dev")[3], "", TaskSamples.Context(judge: judge), useJudge: true);
        Assert.Equal(ExtractionStatus.JudgeFailed, score.Extraction.Status);
        Assert.Equal("", (string)score.Get("gpt_eval_score")!["pred_letter"]!);
        Assert.Contains("boom", (string)score.Get("gpt_eval_score")!["judge_error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_render_templates_like_python_format_and_hash_inputs_separately()
    {
        var p = JudgePrompt.Create("t", "{a} {{literal}} {b}", ("a", "x{y}"), ("b", "2"));
        Assert.Equal("x{y} {literal} 2", p.Render());
        Assert.NotEqual(p.InputHash, (p with { Inputs = p.Inputs.SetItem("b", "3") }).InputHash);
        Assert.Equal(p.TemplateHash, (p with { Inputs = p.Inputs.SetItem("b", "3") }).TemplateHash);
        Assert.Throws<FormatException>(() => JudgePrompt.Create("t", "{missing}").Render());
    }

    [Fact]
    public void Should_wrap_judge_errors_for_hooks_instead_of_throwing()
    {
        var answer = JudgeCalls.Ask(new ThrowingJudge(), JudgePrompt.Create("t", "x"), TestContext.Current.CancellationToken);
        Assert.True(answer.Failed);
        Assert.Equal("no route", answer.Error);
    }

    private sealed class ThrowingJudge : IAnswerJudge
    {
        public string Model => "throwing";

        public string Complete(string prompt, CancellationToken cancellationToken) => throw new JudgeException("no route");
    }
}
