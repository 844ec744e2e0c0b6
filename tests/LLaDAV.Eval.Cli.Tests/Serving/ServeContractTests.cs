using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Cli.Serving;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Serving;

/// <summary>
/// The HTTP contract of <c>lladav-eval serve</c> (issue 25 §2) against OpenAI's API reference ("Create chat completion",
/// "The chat completion object", "The chat completion chunk object", "Error codes"), on the real lladav backend with
/// the demo checkpoint. The oracle for the answers is the evaluation path itself: the same context, image, settings and
/// seed handed to the backend as EvaluationRunner hands it a request.
/// </summary>
public sealed class ServeContractTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromMinutes(5) };

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(Uri server, string path, string body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, path)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        var response = await s_http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static string Chat(string content, string extra = "") =>
        $$"""{"model":"lladav","messages":[{"role":"user","content":{{content}}}]{{extra}}}""";

    private static string ImageThenText(string text) =>
        "[" + ImagePart(ServeFixture.ImageDataUrl) + "," + TextPart(text) + "]";

    private static string ImagePart(string url) =>
        new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } }.ToJsonString();

    private static string TextPart(string text) => new JsonObject { ["type"] = "text", ["text"] = text }.ToJsonString();

    /// <summary>OpenAI's error object: exactly message, type, param, code.</summary>
    private static JsonObject Error(string body)
    {
        var error = JsonNode.Parse(body)!["error"]!.AsObject();
        Assert.Equal(["code", "message", "param", "type"], error.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        return error;
    }

    [Fact]
    public async Task Should_answer_a_completion_in_openais_shape_with_the_tokens_the_evaluation_path_gives()
    {
        await using var server = await fixture.StartAsync(ServeFixture.Options());
        const string question = "What is shown in the picture?\nAnswer the question using a single word or phrase.";
        var (status, body, response) = await PostAsync(server.Address, "/v1/chat/completions", Chat(ImageThenText(question), ""","max_tokens":8,"temperature":0.7,"seed":11"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonNode.Parse(body)!;
        Assert.StartsWith("chatcmpl-", (string)json["id"]!, StringComparison.Ordinal);
        Assert.Equal("chat.completion", (string)json["object"]!);
        Assert.Equal("lladav", (string)json["model"]!);
        Assert.True((long)json["created"]! > 1_700_000_000);
        var choice = json["choices"]!.AsArray().Single()!;
        Assert.Equal(0, (int)choice["index"]!);
        Assert.Equal("assistant", (string)choice["message"]!["role"]!);
        var usage = json["usage"]!;
        Assert.Equal((int)usage["prompt_tokens"]! + (int)usage["completion_tokens"]!, (int)usage["total_tokens"]!);

        // The oracle: the evaluation runner's request for this context + image (EvaluationRunner.RunBatchAsync), same kwargs and seed.
        var expected = (await fixture.Backend.GenerateAsync(
            [new GenerationRequest(new TaskName("t"), new DocId(0), question, GenerationKwargs.Empty.With("gen_length", 8L).With("temperature", 0.7),
                () => [new ImageInput("image", () => ImageDecoder.DecodeFile(ServeFixture.ImagePath))], 11UL)],
            CancellationToken.None))[0];
        Assert.Equal(expected.Text, (string)choice["message"]!["content"]!);
        Assert.Equal(expected.Usage.PromptTokens + expected.Usage.VisualTokens, (int)usage["prompt_tokens"]!);
        Assert.Equal(expected.Usage.GeneratedTokens, (int)usage["completion_tokens"]!);
        Assert.InRange((int)usage["completion_tokens"]!, 0, 8);
        // Stopped before the canvas was full ⇔ "stop"; a full canvas is "length" (OpenAI's two finish reasons for a plain answer).
        Assert.Equal(expected.Usage.GeneratedTokens < 8 ? "stop" : "length", (string)choice["finish_reason"]!);
        // The image's visual tokens count as prompt tokens (OpenAI counts image input tokens in prompt_tokens).
        Assert.True(expected.Usage.VisualTokens > 0);
    }

    [Fact]
    public async Task Should_stream_server_sent_events_whose_deltas_concatenate_to_the_plain_answer()
    {
        await using var server = await fixture.StartAsync(ServeFixture.Options());
        var plain = JsonNode.Parse((await PostAsync(server.Address, "/v1/chat/completions", Chat("\"Name a colour.\"", ""","max_tokens":8,"seed":3"""))).Body)!;
        var (status, body, response) = await PostAsync(server.Address, "/v1/chat/completions", Chat("\"Name a colour.\"", ""","max_tokens":8,"seed":3,"stream":true,"stream_options":{"include_usage":true}"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        // SSE framing: each event is "data: <json>" followed by a blank line; the stream ends with "data: [DONE]".
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", (string)c["object"]!));
        Assert.Single(chunks.Select(c => (string)c["id"]!).Distinct());
        var withChoices = chunks.Where(c => c["choices"]!.AsArray().Count == 1).ToList();
        Assert.Equal("assistant", (string)withChoices[0]["choices"]![0]!["delta"]!["role"]!);
        var content = string.Concat(withChoices.Select(c => (string?)c["choices"]![0]!["delta"]!["content"] ?? ""));
        Assert.Equal((string)plain["choices"]![0]!["message"]!["content"]!, content);
        Assert.Equal((string)plain["choices"]![0]!["finish_reason"]!, (string)withChoices[^1]["choices"]![0]!["finish_reason"]!);
        Assert.All(withChoices[..^1], c => Assert.Null(c["choices"]![0]!["finish_reason"]));
        // include_usage: a last chunk with no choices carries the usage; the others carry "usage": null.
        var last = chunks[^1];
        Assert.Empty(last["choices"]!.AsArray());
        Assert.Equal(plain["usage"]!.ToJsonString(), last["usage"]!.ToJsonString());
        Assert.All(chunks[..^1], c => Assert.Null(c["usage"]));
    }

    [Fact]
    public async Task Should_end_at_a_stop_sequence_without_it_and_say_stop_where_the_plain_answer_says_length()
    {
        // Hand-checked on the demo checkpoint: this request's 8-token answer contains "on" and fills its canvas.
        await using var server = await fixture.StartAsync(ServeFixture.Options());
        const string ask = "\"Name a colour.\"";
        const string settings = ""","max_tokens":8,"seed":3,"temperature":0.9""";
        var plain = JsonNode.Parse((await PostAsync(server.Address, "/v1/chat/completions", Chat(ask, settings))).Body)!["choices"]![0]!;
        var plainText = (string)plain["message"]!["content"]!;
        Assert.Equal("length", (string)plain["finish_reason"]!);
        Assert.Contains("on", plainText, StringComparison.Ordinal);

        var cut = JsonNode.Parse((await PostAsync(server.Address, "/v1/chat/completions", Chat(ask, settings + ""","stop":"on" """))).Body)!;
        // OpenAI: "Up to 4 sequences where the API will stop generating further tokens. The returned text will not contain the stop sequence."
        Assert.Equal(plainText[..plainText.IndexOf("on", StringComparison.Ordinal)], (string)cut["choices"]![0]!["message"]!["content"]!);
        Assert.Equal("stop", (string)cut["choices"]![0]!["finish_reason"]!);
        Assert.True((int)cut["usage"]!["completion_tokens"]! < 8);
    }

    [Fact]
    public async Task Should_list_the_served_model_and_refuse_unknown_models_and_routes_with_404()
    {
        await using var server = await fixture.StartAsync(ServeFixture.Options());
        var models = JsonNode.Parse(await s_http.GetStringAsync(new Uri(server.Address, "/v1/models"), TestContext.Current.CancellationToken))!;
        Assert.Equal("list", (string)models["object"]!);
        var model = models["data"]!.AsArray().Single()!;
        Assert.Equal("lladav", (string)model["id"]!);
        Assert.Equal("model", (string)model["object"]!);

        var (status, body, _) = await PostAsync(server.Address, "/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model_not_found", (string?)Error(body)["code"]);

        (status, body, _) = await PostAsync(server.Address, "/v1/completions", """{"model":"lladav","prompt":"hi"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Invalid URL (POST /v1/completions)", (string?)Error(body)["message"]);
        Assert.Equal("invalid_request_error", (string?)Error(body)["type"]);
    }

    [Theory]
    [InlineData("{not json", null)]
    [InlineData("""{"model":"lladav"}""", "messages")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":"hi"}],"stepz":4}""", "stepz")]
    [InlineData("""{"model":"lladav","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]}""", "messages")]
    [InlineData("""{"model":"lladav","messages":[{"role":"assistant","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":"hi"}],"n":2}""", "n")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]}""", "stop")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":"hi"}],"max_tokens":8,"block_length":3}""", "block_length")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":"hi"}],"remasking":"greedy"}""", "remasking")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":"<image> what is it?"}]}""", "messages[0].content")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,!!!"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,aGVsbG8="}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"file:///etc/passwd"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"lladav","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}""", "messages[0].content[0].type")]
    public async Task Should_refuse_a_bad_request_with_400_naming_the_parameter(string body, string? param)
    {
        await using var server = await fixture.StartAsync(ServeFixture.Options());
        var (status, answer, _) = await PostAsync(server.Address, "/v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Error(answer);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal(param, (string?)error["param"]);
    }

    [Fact]
    public async Task Should_refuse_an_image_whose_header_claims_more_pixels_than_the_cap_before_decoding_it()
    {
        // A 100000×100000 PNG header (10^10 pixels > LLADAV_MAX_PIXELS' default 2 × 89 478 485) and no pixel data.
        var png = Png.Header(100_000, 100_000);
        await using var server = await fixture.StartAsync(ServeFixture.Options());
        var url = "data:image/png;base64," + Convert.ToBase64String(png);
        var (status, body, _) = await PostAsync(server.Address, "/v1/chat/completions", Chat("[" + ImagePart(url) + "," + TextPart("hi") + "]"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = (string?)Error(body)["message"];
        Assert.Contains("100000x100000", message, StringComparison.Ordinal);
        Assert.Contains("LLADAV_MAX_PIXELS", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_413_for_a_body_over_the_cap_whether_or_not_its_length_is_declared()
    {
        await using var server = await fixture.StartAsync(ServeFixture.Options(maxBody: 4096));
        var big = Chat(JsonValue.Create(new string('x', 5000)).ToJsonString());
        var (status, body, _) = await PostAsync(server.Address, "/v1/chat/completions", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request_too_large", (string?)Error(body)["code"]);

        // Chunked: no Content-Length, the cap stops the read.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, "/v1/chat/completions"))
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))),
        };
        request.Headers.TransferEncodingChunked = true;
        using var response = await s_http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Error(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        // Within the cap it is served.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server.Address, "/v1/chat/completions", Chat("\"hi\""))).Status);
    }

    [Fact]
    public async Task Should_require_the_api_key_as_a_bearer_token_on_every_route()
    {
        await using var server = await fixture.StartAsync(ServeFixture.Options(apiKey: "sk-test-123"));
        var (status, body, _) = await PostAsync(server.Address, "/v1/chat/completions", Chat("\"hi\""));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_api_key", (string?)Error(body)["code"]);
        (status, body, _) = await PostAsync(server.Address, "/v1/chat/completions", Chat("\"hi\""), "sk-test-124");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_api_key", (string?)Error(body)["code"]);
        using var models = await s_http.GetAsync(new Uri(server.Address, "/v1/models"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, models.StatusCode);
        (status, _, _) = await PostAsync(server.Address, "/v1/chat/completions", Chat("\"hi\""), "sk-test-123");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Should_read_file_urls_only_under_the_allowed_root_with_symlinks_followed()
    {
        var root = Directory.CreateTempSubdirectory("serve-fileroot-");
        var outside = Directory.CreateTempSubdirectory("serve-outside-");
        try
        {
            File.Copy(ServeFixture.ImagePath, Path.Combine(root.FullName, "in.png"));
            File.Copy(ServeFixture.ImagePath, Path.Combine(outside.FullName, "out.png"));
            File.CreateSymbolicLink(Path.Combine(root.FullName, "link.png"), Path.Combine(outside.FullName, "out.png"));
            await using var server = await fixture.StartAsync(ServeFixture.Options(fileRoot: ImageUrls.RealPath(root.FullName)));
            string Body(string path) => Chat("[" + ImagePart(new Uri(path).AbsoluteUri) + "," + TextPart("hi") + "]");

            Assert.Equal(HttpStatusCode.OK, (await PostAsync(server.Address, "/v1/chat/completions", Body(Path.Combine(root.FullName, "in.png")))).Status);
            foreach (var refused in new[] { Path.Combine(outside.FullName, "out.png"), Path.Combine(root.FullName, "link.png"), Path.Combine(root.FullName, "missing.png") })
            {
                var (status, body, _) = await PostAsync(server.Address, "/v1/chat/completions", Body(refused));
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.Equal("file_url_refused", (string?)Error(body)["code"]);
            }

            // "..": the URL is normalised and the resolved path checked.
            var (dots, _, _) = await PostAsync(server.Address, "/v1/chat/completions", Chat("[" + ImagePart($"file://{root.FullName}/../{outside.Name}/out.png") + "]"));
            Assert.Equal(HttpStatusCode.BadRequest, dots);
        }
        finally
        {
            root.Delete(recursive: true);
            outside.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Should_batch_concurrent_requests_into_one_forward_without_changing_any_answer()
    {
        var prompts = new[] { "Name a colour.", "Count to three.", "What is two plus two?" };
        string Body(int i) => Chat(JsonValue.Create(prompts[i]).ToJsonString(), $$""","max_tokens":8,"temperature":0.5,"seed":{{i + 1}}""");
        string[] alone;
        await using (var serial = await fixture.StartAsync(ServeFixture.Options(maxBatch: 1)))
        {
            alone = [.. await Task.WhenAll(Enumerable.Range(0, 3).Select(async i => (await PostAsync(serial.Address, "/v1/chat/completions", Body(i))).Body))];
            Assert.Equal(1, serial.Queue.LargestBatch);
        }

        // Three requests and a batch of three with a long window: the batch closes when full, so it is one batch of three.
        await using var batched = await fixture.StartAsync(ServeFixture.Options(maxBatch: 3, window: TimeSpan.FromMinutes(5)));
        var together = await Task.WhenAll(Enumerable.Range(0, 3).Select(async i => (await PostAsync(batched.Address, "/v1/chat/completions", Body(i))).Body));
        Assert.Equal(3, batched.Queue.LargestBatch);
        Assert.Equal(1, batched.Queue.Batches);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(JsonNode.Parse(alone[i])!["choices"]!.ToJsonString(), JsonNode.Parse(together[i])!["choices"]!.ToJsonString());
            Assert.Equal(JsonNode.Parse(alone[i])!["usage"]!.ToJsonString(), JsonNode.Parse(together[i])!["usage"]!.ToJsonString());
        }
    }
}

/// <summary>
/// A PNG whose IHDR claims <c>width</c>×<c>height</c> (PNG spec §5.2, §11.2.2) followed by one tiny IDAT (a zlib stream
/// of one zero byte, far too little data) and IEND: a decoder that allocates from the header before checking it is
/// what this catches. CRC-32 as ISO 3309 / zlib's crc32.
/// </summary>
internal static class Png
{
    public static byte[] Header(int width, int height) =>
    [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A,
        .. Chunk("IHDR", [.. BigEndian(width), .. BigEndian(height), 8, 2, 0, 0, 0]), // 8-bit RGB, deflate, no filter method, no interlace
        .. Chunk("IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]),
        .. Chunk("IEND", []),
    ];

    private static byte[] Chunk(string type, byte[] data)
    {
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        return [.. BigEndian(data.Length), .. typed, .. BigEndian(unchecked((int)Crc32(typed)))];
    }

    private static byte[] BigEndian(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    private static uint Crc32(IEnumerable<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
