using LLaDAV.Eval.Backends.OpenAi;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.OpenAi;

/// <summary>
/// The chat-completions client against a scripted OpenAI-compatible server injecting faults. Waits are recorded, not
/// slept (the backoff's delay is injected), so nothing here depends on timing except the one real timeout.
/// </summary>
public sealed class OpenAiClientFaultTests
{
    private static readonly byte[] s_body = """{"messages":[{"role":"user","content":[{"type":"text","text":"Q"}]}],"model":"m","max_tokens":8,"temperature":0}"""u8.ToArray();

    private static (ChatCompletionsClient Client, List<TimeSpan> Waits) Client(ScriptedOpenAiServer server, string extra = "")
    {
        var settings = OpenAiSettings.Parse(new ModelArgs(Eval.Running.KeyValueList.Parse($"model=m,base_url={server.BaseUrl},api_key=sk-test{extra}", "x")), "openai_compatible", _ => null);
        var waits = new List<TimeSpan>();
        return (new ChatCompletionsClient(settings, delay: (d, _) =>
        {
            lock (waits)
            {
                waits.Add(d);
            }

            return Task.CompletedTask;
        }), waits);
    }

    [Fact]
    public async Task A_429_waits_what_Retry_After_asks_then_succeeds()
    {
        using var server = new ScriptedOpenAiServer(r => r.Attempt == 1 ? ScriptedReply.Error(429, "slow down", ("Retry-After", "7")) : ScriptedReply.Completion("B"));
        var (client, waits) = Client(server);
        using (client)
        {
            var result = await client.CompleteAsync(s_body, CancellationToken.None);
            Assert.Null(result.Failure);
            Assert.Equal("B", result.Text);
            Assert.Equal([TimeSpan.FromSeconds(7)], waits);
            Assert.Equal(2, result.Served!.Attempts);
            Assert.All(server.Requests, r => Assert.Equal("Bearer sk-test", r.Authorization));
        }
    }

    [Fact]
    public async Task A_429_with_retry_after_ms_and_one_without_a_header()
    {
        using var server = new ScriptedOpenAiServer(r => r.Attempt switch
        {
            1 => ScriptedReply.Error(429, "slow", ("retry-after-ms", "250")),
            2 => ScriptedReply.Error(429, "slow"),
            _ => ScriptedReply.Completion("ok"),
        });
        var (client, waits) = Client(server, ",retry_backoff_s=3");
        using (client)
        {
            var result = await client.CompleteAsync(s_body, CancellationToken.None);
            Assert.Equal("ok", result.Text);
            // The header's 250 ms, then the exponential backoff's second step (3 s × 2).
            Assert.Equal([TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(6)], waits);
        }
    }

    // A server error every time: max_retries attempts, backoff doubling from retry_backoff_s, then a failure (no text).
    [Fact]
    public async Task Persistent_500s_end_as_a_failure_after_max_retries_never_as_an_answer()
    {
        using var server = new ScriptedOpenAiServer(_ => ScriptedReply.Error(500, "boom"));
        var (client, waits) = Client(server, ",max_retries=3,retry_backoff_s=1");
        using (client)
        {
            var result = await client.CompleteAsync(s_body, CancellationToken.None);
            Assert.NotNull(result.Failure);
            Assert.Equal(3, result.Failure!.Attempts);
            Assert.Contains("HTTP 500", result.Failure.Error, StringComparison.Ordinal);
            Assert.Equal("", result.Text);
            Assert.Null(result.Served);
            Assert.Equal(3, server.Requests.Count);
            Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], waits);
        }
    }

    [Fact]
    public async Task A_reset_connection_is_retried()
    {
        using var server = new ScriptedOpenAiServer(r => r.Attempt == 1 ? new ScriptedReply.Reset() : ScriptedReply.Completion("A"));
        var (client, _) = Client(server);
        using (client)
        {
            var result = await client.CompleteAsync(s_body, CancellationToken.None);
            Assert.Equal("A", result.Text);
            Assert.Equal(2, server.Requests.Count);
        }
    }

    // timeout is applied to each attempt (lmms-eval never passes it to the client): a hung reply is given up on and retried.
    [Fact]
    public async Task A_hung_reply_times_out_and_is_retried()
    {
        using var server = new ScriptedOpenAiServer(r => r.Attempt == 1 ? new ScriptedReply.Hang() : ScriptedReply.Completion("C"));
        var (client, _) = Client(server, ",timeout=0.3");
        using (client)
        {
            var result = await client.CompleteAsync(s_body, CancellationToken.None);
            Assert.Equal("C", result.Text);
            Assert.Equal(2, server.Requests.Count);
        }
    }

    [Fact]
    public async Task A_request_that_always_hangs_fails_naming_the_timeout()
    {
        using var server = new ScriptedOpenAiServer(_ => new ScriptedReply.Hang());
        var (client, _) = Client(server, ",timeout=0.2,max_retries=2");
        using (client)
        {
            var result = await client.CompleteAsync(s_body, CancellationToken.None);
            Assert.Contains("timeout", result.Failure!.Error, StringComparison.Ordinal);
        }
    }

    // A 400 would be refused again: one attempt, unscored.
    [Fact]
    public async Task A_bad_request_is_not_retried()
    {
        using var server = new ScriptedOpenAiServer(_ => ScriptedReply.Error(400, "image too large"));
        var (client, waits) = Client(server);
        using (client)
        {
            var result = await client.CompleteAsync(s_body, CancellationToken.None);
            Assert.Equal(1, result.Failure!.Attempts);
            Assert.Contains("image too large", result.Failure.Error, StringComparison.Ordinal);
            Assert.Empty(waits);
        }
    }

    [Fact]
    public async Task A_refused_key_ends_the_run_with_the_setting_to_fix_and_no_secret()
    {
        using var server = new ScriptedOpenAiServer(_ => ScriptedReply.Error(401, "Incorrect API key provided"));
        var (client, _) = Client(server);
        using (client)
        {
            var e = await Assert.ThrowsAsync<Eval.Errors.ConfigException>(() => client.CompleteAsync(s_body, CancellationToken.None));
            Assert.Contains("$OPENAI_API_KEY", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-test", e.Message, StringComparison.Ordinal);
        }
    }

    // A reasoning model that ran out of tokens: finish_reason length, content null, reasoning_content present.
    [Fact]
    public async Task Null_content_with_reasoning_and_finish_reason_length_is_truncated()
    {
        using var server = new ScriptedOpenAiServer(_ => ScriptedReply.Completion(null, "length", (20, 8), reasoning: "Let me think about the options"));
        var (client, _) = Client(server);
        using (client)
        {
            var result = await client.CompleteAsync(s_body, CancellationToken.None);
            Assert.Equal("", result.Text);
            Assert.True(result.Served!.Truncated);
            Assert.Equal(("length", "Let me think about the options"), (result.Served.FinishReason, result.Served.ReasoningContent));
            Assert.Equal(new ServedUsage(20, 8, null), result.Served.Usage);
            Assert.Equal(new TokenUsage(20, 0, 8, 0), result.Usage);
        }
    }

    // A plain answer cut at max_tokens is not "truncated" in this sense: it has content.
    [Fact]
    public async Task Length_with_content_is_not_marked_truncated()
    {
        using var server = new ScriptedOpenAiServer(_ => ScriptedReply.Completion("The answer is", "length", reasoning: "hmm"));
        var (client, _) = Client(server);
        using (client)
        {
            Assert.False((await client.CompleteAsync(s_body, CancellationToken.None)).Served!.Truncated);
        }
    }

    // No usage object: recorded as absent (null), never estimated (lmms-eval's chat class counts words instead).
    [Fact]
    public async Task Missing_usage_is_recorded_as_absent()
    {
        using var server = new ScriptedOpenAiServer(_ => ScriptedReply.Completion("A", withUsage: false));
        var (client, _) = Client(server);
        using (client)
        {
            var result = await client.CompleteAsync(s_body, CancellationToken.None);
            Assert.Equal("A", result.Text);
            Assert.Null(result.Served!.Usage);
            Assert.Equal(TokenUsage.None, result.Usage);
        }
    }

    [Fact]
    public async Task A_reply_without_choices_is_a_failed_attempt()
    {
        using var server = new ScriptedOpenAiServer(r => r.Attempt == 1 ? new ScriptedReply.Json(200, """{"object":"chat.completion","choices":[]}""", []) : ScriptedReply.Completion("D"));
        var (client, _) = Client(server);
        using (client)
        {
            Assert.Equal("D", (await client.CompleteAsync(s_body, CancellationToken.None)).Text);
        }
    }

    // num_concurrent bounds the requests in flight, whatever the batch size.
    [Fact]
    public async Task Concurrency_is_bounded_by_num_concurrent()
    {
        using var server = new ScriptedOpenAiServer(r => ScriptedReply.Completion(r.LastText.ToUpperInvariant()));
        var settings = OpenAiSettings.Parse(new ModelArgs(Eval.Running.KeyValueList.Parse($"model=m,base_url={server.BaseUrl},num_concurrent=2", "x")), "openai_compatible", _ => null);
        using var backend = new OpenAiCompatibleBackend(settings, new ChatRequestBuilder(settings), new ChatCompletionsClient(settings));
        var batch = Enumerable.Range(0, 8).Select(i => new GenerationRequest(new TaskName("t"), new DocId(i), $"q{i}", GenerationKwargs.Empty, () => [], 0)).ToList();
        var results = await backend.GenerateAsync(batch, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"Q{i}"), results.Select(r => r.Text));
        Assert.InRange(server.MaxInFlight, 1, 2);
    }
}
