using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Testing;

/// <summary>One request as the scripted server saw it: the raw body, its Authorization header, and how many times the same body came before.</summary>
internal sealed record ScriptedRequest(string Body, string? Authorization, int Attempt)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    /// <summary>The last text part of the user message (the rendered context when visuals come first).</summary>
    public string LastText => Json["messages"]![0]!["content"]!.AsArray().Last(p => (string?)p!["type"] == "text")!["text"]!.GetValue<string>();
}

/// <summary>What the scripted server does with a request.</summary>
internal abstract record ScriptedReply
{
    /// <summary>
    /// A chat completion in the documented shape (OpenAI API reference, "The chat completion object"): id, object,
    /// created, model, choices[{index, message{role, content[, reasoning_content]}, finish_reason}], usage{prompt_tokens,
    /// completion_tokens, total_tokens} (left out when <paramref name="Usage"/> is null).
    /// </summary>
    public static ScriptedReply Completion(string? content, string finishReason = "stop", (int Prompt, int Completion)? usage = default, string? reasoning = null, bool withUsage = true) =>
        new Json(200, CompletionJson(content, finishReason, withUsage ? usage ?? (11, 3) : null, reasoning), []);

    /// <summary>An error in OpenAI's error shape: {"error": {"message", "type", "code"}}.</summary>
    public static ScriptedReply Error(int status, string message, params (string Name, string Value)[] headers) =>
        new Json(status, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = status == 429 ? "rate_limit_exceeded" : "server_error", ["code"] = status } }.ToJsonString(), headers);

    public static string CompletionJson(string? content, string finishReason, (int Prompt, int Completion)? usage, string? reasoning)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content };
        if (reasoning is not null)
        {
            message["reasoning_content"] = reasoning;
        }

        var root = new JsonObject
        {
            ["id"] = "chatcmpl-scripted",
            ["object"] = "chat.completion",
            ["created"] = 1767225600,
            ["model"] = "scripted",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finishReason }),
        };
        if (usage is { } u)
        {
            root["usage"] = new JsonObject { ["prompt_tokens"] = u.Prompt, ["completion_tokens"] = u.Completion, ["total_tokens"] = u.Prompt + u.Completion };
        }

        return root.ToJsonString();
    }

    public sealed record Json(int Status, string Body, (string Name, string Value)[] Headers) : ScriptedReply;

    /// <summary>The connection is reset (RST) after the request is read, before any response byte.</summary>
    public sealed record Reset : ScriptedReply;

    /// <summary>No reply until the client gives up (its timeout) or the server stops.</summary>
    public sealed record Hang : ScriptedReply;
}

/// <summary>
/// An OpenAI-compatible chat-completions server on 127.0.0.1 (a raw TcpListener on port 0, one request per
/// connection, <c>Connection: close</c>) whose every reply is scripted: completions in the documented shape, error
/// statuses with headers (429 with Retry-After), connection resets and hangs. Records every body it received.
/// </summary>
internal sealed class ScriptedOpenAiServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Func<ScriptedRequest, ScriptedReply> _script;
    private readonly List<ScriptedRequest> _requests = [];
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
    private readonly List<Task> _connections = [];
    private int _inFlight;
    private int _maxInFlight;

    public ScriptedOpenAiServer(Func<ScriptedRequest, ScriptedReply> script)
    {
        _script = script;
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1";
        _loop = Task.Run(AcceptLoop);
    }

    public string BaseUrl { get; }

    public IReadOnlyList<ScriptedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The most requests that were being answered at one time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(Task.Run(() => Serve(client)));
            }
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            string head;
            string body;
            try
            {
                (head, body) = await ReadRequest(stream);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            if (head.Length == 0)
            {
                return;
            }

            var now = Interlocked.Increment(ref _inFlight);
            for (var max = Volatile.Read(ref _maxInFlight); now > max && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max; max = Volatile.Read(ref _maxInFlight))
            {
            }

            try
            {
                var auth = head.Split("\r\n").FirstOrDefault(h => h.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase))?["Authorization:".Length..].Trim();
                ScriptedRequest request;
                lock (_requests)
                {
                    var attempt = _seen[body] = _seen.GetValueOrDefault(body) + 1;
                    request = new ScriptedRequest(body, auth, attempt);
                    _requests.Add(request);
                }

                switch (_script(request))
                {
                    case ScriptedReply.Reset:
                        client.Client.LingerState = new LingerOption(true, 0);
                        client.Client.Close();
                        return;
                    case ScriptedReply.Hang:
                        try
                        {
                            // Until the client closes its end (its timeout) or the server stops.
                            var buffer = new byte[1];
                            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                            _ = await stream.ReadAsync(buffer, linked.Token);
                        }
                        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                        {
                        }

                        return;
                    case ScriptedReply.Json json:
                        var bytes = Encoding.UTF8.GetBytes(json.Body);
                        var sb = new StringBuilder();
                        sb.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {json.Status} {(json.Status == 200 ? "OK" : "Error")}\r\n");
                        sb.Append("Content-Type: application/json\r\n");
                        foreach (var (name, value) in json.Headers)
                        {
                            sb.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
                        }

                        sb.Append(CultureInfo.InvariantCulture, $"Content-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
                        try
                        {
                            await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()));
                            await stream.WriteAsync(bytes);
                            await stream.FlushAsync();
                        }
                        catch (Exception e) when (e is IOException or SocketException)
                        {
                        }

                        return;
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private async Task<(string Headers, string Body)> ReadRequest(NetworkStream stream)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[65536];
        var headerEnd = -1;
        while (headerEnd < 0)
        {
            var n = await stream.ReadAsync(chunk, _stop.Token);
            if (n == 0)
            {
                return ("", "");
            }

            buffer.Write(chunk, 0, n);
            headerEnd = IndexOfHeaderEnd(buffer.GetBuffer(), (int)buffer.Length);
        }

        var headers = Encoding.ASCII.GetString(buffer.GetBuffer(), 0, headerEnd);
        var lengthLine = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
        while (buffer.Length - (headerEnd + 4) < length)
        {
            var n = await stream.ReadAsync(chunk, _stop.Token);
            if (n == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, n);
        }

        return (headers, Encoding.UTF8.GetString(buffer.GetBuffer(), headerEnd + 4, length));
    }

    private static int IndexOfHeaderEnd(byte[] bytes, int length)
    {
        for (var i = 0; i + 3 < length; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Task[] open;
        lock (_connections)
        {
            open = [.. _connections];
        }

        try
        {
            Task.WaitAll([_loop, .. open], TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Connections end with the listener; cancelled reads are expected here.
        }

        _stop.Dispose();
    }
}
