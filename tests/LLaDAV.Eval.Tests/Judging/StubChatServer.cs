using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Tests.Judging;

/// <summary>
/// A minimal OpenAI-compatible chat endpoint on 127.0.0.1 (a raw TcpListener on port 0) for judge tests: each
/// request's user message goes to <c>reply</c>, which returns (HTTP status, content). It serves at most
/// <c>maxRequests</c> requests and stops on dispose.
/// </summary>
internal sealed class StubChatServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<string> _prompts = [];

    public StubChatServer(Func<string, (int Status, string Content)> reply, int maxRequests = 16)
    {
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");
        _loop = Task.Run(() => Serve(reply, maxRequests));
    }

    public Uri Endpoint { get; }

    public IReadOnlyList<string> Prompts
    {
        get
        {
            lock (_prompts)
            {
                return [.. _prompts];
            }
        }
    }

    public List<string> Authorizations { get; } = [];

    private async Task Serve(Func<string, (int Status, string Content)> reply, int maxRequests)
    {
        for (var served = 0; served < maxRequests && !_stop.IsCancellationRequested; served++)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }

            using (client)
            {
                var stream = client.GetStream();
                var (headers, body) = await ReadRequest(stream);
                var auth = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase));
                var prompt = (string?)JsonNode.Parse(body)?["messages"]?[0]?["content"] ?? "";
                lock (_prompts)
                {
                    _prompts.Add(prompt);
                    if (auth is not null)
                    {
                        Authorizations.Add(auth);
                    }
                }

                var (status, content) = reply(prompt);
                var payload = status == 200
                    ? new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content } }) }.ToJsonString()
                    : new JsonObject { ["error"] = new JsonObject { ["message"] = content } }.ToJsonString();
                var bytes = Encoding.UTF8.GetBytes(payload);
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {(status == 200 ? "OK" : "Error")}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head);
                await stream.WriteAsync(bytes);
                await stream.FlushAsync();
            }
        }
    }

    private static async Task<(string Headers, string Body)> ReadRequest(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        var headerEnd = -1;
        while (headerEnd < 0)
        {
            var n = await stream.ReadAsync(chunk);
            if (n == 0)
            {
                break;
            }

            buffer.AddRange(chunk.AsSpan(0, n).ToArray());
            headerEnd = Encoding.ASCII.GetString([.. buffer]).IndexOf("\r\n\r\n", StringComparison.Ordinal);
        }

        var headers = Encoding.ASCII.GetString([.. buffer], 0, Math.Max(0, headerEnd));
        var lengthLine = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        while (buffer.Count - (headerEnd + 4) < length)
        {
            var n = await stream.ReadAsync(chunk);
            if (n == 0)
            {
                break;
            }

            buffer.AddRange(chunk.AsSpan(0, n).ToArray());
        }

        return (headers, Encoding.UTF8.GetString([.. buffer], headerEnd + 4, length));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener; a cancelled accept is expected here.
        }

        _stop.Dispose();
    }
}
