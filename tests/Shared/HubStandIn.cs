using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Testing;

/// <summary>A fault the stand-in injects into the next GETs of one file's bytes.</summary>
internal sealed record HubFault
{
    /// <summary>Send the file's bytes up to this offset (nothing when the request starts past it), then reset the connection (RST).</summary>
    public long? ResetAt { get; init; }

    /// <summary>Send the file's bytes up to this offset, then nothing more (until the client gives up).</summary>
    public long? StallAt { get; init; }

    /// <summary>Flip the first byte of what is sent (a proxy altering content).</summary>
    public bool WrongBytes { get; init; }

    /// <summary>Answer 200 with the whole file to a Range request (a cache that ignores ranges).</summary>
    public bool IgnoreRange { get; init; }

    /// <summary>Send the body in 1 KiB pieces, this long apart.</summary>
    public TimeSpan? Trickle { get; init; }

    /// <summary>How many GETs of the file this fault applies to (then the file is served normally).</summary>
    public int Times { get; init; } = 1;
}

/// <summary>
/// A small Hugging Face Hub on 127.0.0.1 serving fixture dataset repositories with the Hub's documented HTTP shapes,
/// as huggingface_hub (hf_api.py <c>dataset_info</c>, file_download.py <c>get_hf_file_metadata</c> / <c>http_get</c>,
/// utils/_http.py <c>hf_raise_for_status</c>) and @huggingface/hub (<c>datasetInfo</c>, <c>listFiles</c>,
/// <c>pathsInfo</c>, <c>fileDownloadInfo</c>, <c>WebBlob</c>) call it:
/// <list type="bullet">
/// <item><c>GET /api/datasets/{repo}/revision/{rev}</c>: <c>{id, sha, siblings: [{rfilename, size, blobId, lfs}]}</c> (size, blobId, lfs with <c>blobs=true</c>);</item>
/// <item><c>GET /api/datasets/{repo}/tree/{rev}?recursive=true</c> and <c>POST /api/datasets/{repo}/paths-info/{rev}</c>: entries <c>{type, oid, size, path, lfs: {oid, size, pointerSize}, lastCommit}</c>;</item>
/// <item><c>HEAD|GET /datasets/{repo}/resolve/{rev}/{path}</c>: a small (git) file is served with <c>ETag</c> = its git blob
/// sha1 and <c>X-Repo-Commit</c>; an LFS file (parquet, archives, anything over 64 KiB) answers 302 to the "CDN" (a second
/// listener, another host:port) with <c>X-Linked-Etag</c> = its sha256, <c>X-Linked-Size</c>, <c>X-Repo-Commit</c>;</item>
/// <item>Range requests (206 with <c>Content-Range</c>), 404 with <c>X-Error-Code</c> RepoNotFound / RevisionNotFound /
/// EntryNotFound, and 401 <c>X-Error-Code: GatedRepo</c> for a gated repository without its token.</item>
/// </list>
/// Each connection is answered once and closed. Faults (<see cref="HubFault"/>) apply to a file's content GETs.
/// Every accepted connection is counted, on both listeners, so a test can prove no socket was opened.
/// </summary>
internal sealed class HubStandIn : IDisposable
{
    private readonly TcpListener _hub = new(IPAddress.Loopback, 0);
    private readonly TcpListener _cdn = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, Repo> _repos = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<HubFault>> _faults = new(StringComparer.Ordinal);
    private int _accepts;

    public HubStandIn()
    {
        _hub.Start();
        _cdn.Start();
        _ = AcceptLoop(_hub, cdn: false);
        _ = AcceptLoop(_cdn, cdn: true);
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_hub.LocalEndpoint).Port}";

    /// <summary>Connections accepted so far on the Hub and CDN listeners together.</summary>
    public int Accepts => Volatile.Read(ref _accepts);

    /// <summary>Every request: "METHOD path-and-query" with " range=..." and " auth" when sent, " cdn" for the CDN listener.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _hub.Stop();
        _cdn.Stop();
    }

    /// <summary>Serves <paramref name="files"/> as <paramref name="repoId"/>'s <paramref name="revision"/> at <paramref name="commit"/>.</summary>
    public void AddRepo(string repoId, string revision, string commit, IReadOnlyDictionary<string, byte[]> files, string? gatedToken = null)
    {
        lock (_repos)
        {
            if (!_repos.TryGetValue(repoId, out var repo))
            {
                repo = new Repo(gatedToken);
                _repos[repoId] = repo;
            }

            repo.Revisions[revision] = commit;
            repo.Commits[commit] = files.ToDictionary(kv => kv.Key, kv => new FileEntry(kv.Value), StringComparer.Ordinal);
        }
    }

    /// <summary>The faults for the next GETs of <paramref name="path"/>'s bytes, in order (each for its <see cref="HubFault.Times"/>); none clears them.</summary>
    public void Fault(string path, params HubFault[] faults)
    {
        lock (_faults)
        {
            _faults[path] = new Queue<HubFault>(faults);
        }
    }

    private HubFault? NextFault(string path)
    {
        lock (_faults)
        {
            if (!_faults.TryGetValue(path, out var queue) || queue.Count == 0)
            {
                return null;
            }

            var fault = queue.Dequeue();
            if (fault.Times > 1)
            {
                var rest = queue.ToList();
                queue.Clear();
                queue.Enqueue(fault with { Times = fault.Times - 1 });
                rest.ForEach(queue.Enqueue);
            }

            return fault;
        }
    }

    /// <summary>Whether the stand-in stores a file as LFS (served through the CDN, named by sha256 in the cache).</summary>
    public static bool IsLfs(string path, byte[] bytes) =>
        bytes.Length > 64 * 1024 || path.EndsWith(".parquet", StringComparison.Ordinal) || path.EndsWith(".zip", StringComparison.Ordinal) || path.Contains(".tar", StringComparison.Ordinal);

    /// <summary>The git blob id of a file: sha1 over "blob {size}\0" and the bytes (git's object format).</summary>
    public static string GitBlobSha1(byte[] bytes) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {bytes.Length}\0"), .. bytes]));

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private sealed class Repo(string? gatedToken)
    {
        public string? GatedToken { get; } = gatedToken;

        public Dictionary<string, string> Revisions { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Dictionary<string, FileEntry>> Commits { get; } = new(StringComparer.Ordinal);
    }

    private sealed class FileEntry(byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;

        public string Sha256 { get; } = HubStandIn.Sha256(bytes);

        public string GitOid { get; } = GitBlobSha1(bytes);

        /// <summary>The git blob of the LFS pointer file standing for the content in the repository.</summary>
        public string PointerOid => GitBlobSha1(Encoding.ASCII.GetBytes($"version https://git-lfs.github.com/spec/v1\noid sha256:{Sha256}\nsize {Bytes.Length}\n"));
    }

    private sealed record Request(string Method, string Path, string Query, Dictionary<string, string> Headers, byte[] Body);

    private async Task AcceptLoop(TcpListener listener, bool cdn)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _accepts);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await Handle(client, cdn);
                    }
                    catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
                    {
                        // The client went away.
                    }
                }
            });
        }
    }

    private async Task Handle(TcpClient client, bool cdn)
    {
        var stream = client.GetStream();
        var request = await ReadRequest(stream);
        if (request is null)
        {
            return;
        }

        request.Headers.TryGetValue("range", out var range);
        Log.Enqueue($"{request.Method} {request.Path}{(request.Query.Length > 0 ? "?" + request.Query : "")}{(range is null ? "" : " range=" + range)}{(request.Headers.ContainsKey("authorization") ? " auth" : "")}{(cdn ? " cdn" : "")}");
        if (cdn)
        {
            await ServeCdn(client, stream, request);
            return;
        }

        var parts = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        // /api/datasets/{org}/{name}/{revision|tree|paths-info}/{rev}[/...]  or  /datasets/{org}/{name}/resolve/{rev}/{path...}
        if (parts.Length >= 6 && parts[0] == "api" && parts[1] == "datasets")
        {
            var repoId = parts[2] + "/" + parts[3];
            var (repo, commit, error) = Find(repoId, parts[5], request);
            if (error is not null)
            {
                await Send(stream, error.Value.Status, error.Value.Headers, Encoding.UTF8.GetBytes($"{{\"error\":\"{error.Value.Headers["X-Error-Message"]}\"}}"), request.Method);
                return;
            }

            var files = repo!.Commits[commit!];
            JsonNode body = parts[4] switch
            {
                "revision" => RepoInfo(repoId, commit!, files, request.Query.Contains("blobs=true", StringComparison.Ordinal)),
                "tree" => new JsonArray([.. Tree(files, commit!, parts.Length > 6 ? string.Join('/', parts[6..]) : "")]),
                "paths-info" => new JsonArray([.. PathsInfo(files, commit!, request.Body)]),
                _ => throw new InvalidOperationException(parts[4]),
            };
            await Send(stream, 200, new() { ["Content-Type"] = "application/json" }, Encoding.UTF8.GetBytes(body.ToJsonString()), request.Method);
            return;
        }

        if (parts.Length >= 6 && parts[0] == "datasets" && parts[3] == "resolve")
        {
            var repoId = parts[1] + "/" + parts[2];
            var (repo, commit, error) = Find(repoId, parts[4], request);
            if (error is not null)
            {
                await Send(stream, error.Value.Status, error.Value.Headers, [], request.Method);
                return;
            }

            var path = string.Join('/', parts[5..]);
            if (!repo!.Commits[commit!].TryGetValue(path, out var file))
            {
                await Send(stream, 404, new() { ["X-Error-Code"] = "EntryNotFound", ["X-Error-Message"] = "Entry not found", ["X-Repo-Commit"] = commit! }, [], request.Method);
                return;
            }

            if (IsLfs(path, file.Bytes))
            {
                var location = $"http://127.0.0.1:{((IPEndPoint)_cdn.LocalEndpoint).Port}/cdn/{file.Sha256}?path={Uri.EscapeDataString(path)}&signature=stand-in";
                await Send(stream, 302, new()
                {
                    ["Location"] = location,
                    ["X-Repo-Commit"] = commit!,
                    ["X-Linked-Etag"] = $"\"{file.Sha256}\"",
                    ["X-Linked-Size"] = file.Bytes.Length.ToString(CultureInfo.InvariantCulture),
                    ["ETag"] = $"\"{file.PointerOid}\"",
                }, [], request.Method);
                return;
            }

            await ServeBytes(client, stream, request, path, file.Bytes, new() { ["ETag"] = $"\"{file.GitOid}\"", ["X-Repo-Commit"] = commit! });
            return;
        }

        await Send(stream, 404, new() { ["X-Error-Message"] = "no such endpoint" }, [], request.Method);
    }

    private async Task ServeCdn(TcpClient client, NetworkStream stream, Request request)
    {
        var sha = request.Path.Split('/').Last();
        var path = request.Query.Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == "path").Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault() ?? "";
        FileEntry? file;
        lock (_repos)
        {
            file = _repos.Values.SelectMany(r => r.Commits.Values).SelectMany(c => c.Values).FirstOrDefault(f => f.Sha256 == sha);
        }

        if (file is null)
        {
            await Send(stream, 404, [], [], request.Method);
            return;
        }

        await ServeBytes(client, stream, request, path, file.Bytes, new() { ["ETag"] = $"\"{file.Sha256}\"" });
    }

    private async Task ServeBytes(TcpClient client, NetworkStream stream, Request request, string path, byte[] bytes, Dictionary<string, string> headers)
    {
        var fault = request.Method == "GET" ? NextFault(path) : null;

        long start = 0;
        long end = bytes.Length - 1;
        var status = 200;
        headers["Accept-Ranges"] = "bytes";
        if (request.Headers.TryGetValue("range", out var range) && range.StartsWith("bytes=", StringComparison.Ordinal) && fault?.IgnoreRange != true)
        {
            var spec = range["bytes=".Length..].Split('-');
            start = long.Parse(spec[0], CultureInfo.InvariantCulture);
            if (spec[1].Length > 0)
            {
                end = Math.Min(end, long.Parse(spec[1], CultureInfo.InvariantCulture));
            }

            if (start >= bytes.Length && bytes.Length > 0)
            {
                await Send(stream, 416, new() { ["Content-Range"] = $"bytes */{bytes.Length}" }, [], request.Method);
                return;
            }

            status = 206;
            headers["Content-Range"] = $"bytes {start}-{end}/{bytes.Length}";
        }

        var body = bytes.AsSpan((int)start, (int)Math.Max(0, end - start + 1)).ToArray();
        if (fault?.WrongBytes == true && body.Length > 0)
        {
            body[0] ^= 0xFF;
        }

        if (request.Method == "HEAD" || fault is null || (fault.ResetAt is null && fault.StallAt is null && fault.Trickle is null))
        {
            await Send(stream, status, headers, body, request.Method);
            return;
        }

        await stream.WriteAsync(Head(status, headers, body.Length));
        var limit = (int)Math.Clamp((fault.ResetAt ?? fault.StallAt ?? long.MaxValue) - start, 0, body.Length);
        for (var at = 0; at < limit; at += 1024)
        {
            await stream.WriteAsync(body.AsMemory(at, Math.Min(1024, limit - at)));
            await stream.FlushAsync();
            if (fault.Trickle is { } pause)
            {
                await Task.Delay(pause);
            }
        }

        if (fault.ResetAt is not null)
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Client.Close();
            return;
        }

        if (fault.StallAt is not null)
        {
            // Hold the connection open, sending nothing, until the client gives up and closes it.
            var probe = new byte[1];
            try
            {
                _ = await stream.ReadAsync(probe.AsMemory(), _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        await stream.WriteAsync(body.AsMemory(limit));
    }

    private (Repo? Repo, string? Commit, (int Status, Dictionary<string, string> Headers)? Error) Find(string repoId, string revision, Request request)
    {
        lock (_repos)
        {
            if (!_repos.TryGetValue(repoId, out var repo))
            {
                return (null, null, (404, new() { ["X-Error-Code"] = "RepoNotFound", ["X-Error-Message"] = "Repository not found" }));
            }

            if (repo.GatedToken is { } token && (!request.Headers.TryGetValue("authorization", out var auth) || auth != "Bearer " + token))
            {
                return (null, null, (401, new() { ["X-Error-Code"] = "GatedRepo", ["X-Error-Message"] = $"Access to dataset {repoId} is restricted. You must have access to it and be authenticated to access it. Please log in." }));
            }

            var commit = repo.Revisions.TryGetValue(revision, out var c) ? c : repo.Commits.ContainsKey(revision) ? revision : null;
            return commit is null
                ? (null, null, (404, new() { ["X-Error-Code"] = "RevisionNotFound", ["X-Error-Message"] = $"Invalid rev id: {revision}" }))
                : (repo, commit, null);
        }
    }

    private static JsonObject RepoInfo(string repoId, string commit, Dictionary<string, FileEntry> files, bool blobs) => new()
    {
        ["_id"] = "stand-in-" + commit[..8],
        ["id"] = repoId,
        ["author"] = repoId.Split('/')[0],
        ["sha"] = commit,
        ["lastModified"] = "2024-01-01T00:00:00.000Z",
        ["private"] = false,
        ["gated"] = false,
        ["disabled"] = false,
        ["downloads"] = 0,
        ["likes"] = 0,
        ["tags"] = new JsonArray(),
        ["siblings"] = new JsonArray([.. files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f =>
        {
            var entry = new JsonObject { ["rfilename"] = f.Key };
            if (blobs)
            {
                var lfs = IsLfs(f.Key, f.Value.Bytes);
                entry["blobId"] = lfs ? f.Value.PointerOid : f.Value.GitOid;
                entry["size"] = f.Value.Bytes.Length;
                if (lfs)
                {
                    entry["lfs"] = new JsonObject { ["sha256"] = f.Value.Sha256, ["size"] = f.Value.Bytes.Length, ["pointerSize"] = 132 };
                }
            }

            return (JsonNode)entry;
        })]),
    };

    private static JsonObject Entry(string path, FileEntry file, string commit, bool expand)
    {
        var lfs = IsLfs(path, file.Bytes);
        var entry = new JsonObject { ["type"] = "file", ["oid"] = lfs ? file.PointerOid : file.GitOid, ["size"] = file.Bytes.Length, ["path"] = path };
        if (lfs)
        {
            entry["lfs"] = new JsonObject { ["oid"] = file.Sha256, ["size"] = file.Bytes.Length, ["pointerSize"] = 132 };
        }

        if (expand)
        {
            entry["lastCommit"] = new JsonObject { ["id"] = commit, ["title"] = "Upload dataset", ["date"] = "2024-01-01T00:00:00.000Z" };
            entry["securityFileStatus"] = new JsonObject { ["status"] = "safe" };
        }

        return entry;
    }

    private static IEnumerable<JsonNode> Tree(Dictionary<string, FileEntry> files, string commit, string under)
    {
        var prefix = under.Length == 0 ? "" : under.TrimEnd('/') + "/";
        var dirs = files.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal))
            .SelectMany(p => Enumerable.Range(1, p.Count(c => c == '/')).Select(n => string.Join('/', p.Split('/')[..n])))
            .Where(d => d.StartsWith(prefix, StringComparison.Ordinal) && d.Length > prefix.Length)
            .Distinct().Order(StringComparer.Ordinal);
        foreach (var dir in dirs)
        {
            yield return new JsonObject { ["type"] = "directory", ["oid"] = GitBlobSha1(Encoding.UTF8.GetBytes(dir)), ["size"] = 0, ["path"] = dir };
        }

        foreach (var (path, file) in files.Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            yield return Entry(path, file, commit, expand: false);
        }
    }

    private static IEnumerable<JsonNode> PathsInfo(Dictionary<string, FileEntry> files, string commit, byte[] body)
    {
        var json = JsonNode.Parse(body)!;
        var expand = json["expand"] is JsonValue v && v.GetValue<bool>();
        foreach (var p in json["paths"]!.AsArray())
        {
            var path = (string)p!;
            if (files.TryGetValue(path, out var file))
            {
                yield return Entry(path, file, commit, expand);
            }
        }
    }

    private static async Task<Request?> ReadRequest(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 65536)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                break;
            }
        }

        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n");
        var first = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal)))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        var body = Array.Empty<byte>();
        if (headers.TryGetValue("content-length", out var length) && int.Parse(length, CultureInfo.InvariantCulture) is > 0 and var n)
        {
            body = new byte[n];
            await stream.ReadExactlyAsync(body);
        }

        var target = first[1];
        var q = target.IndexOf('?', StringComparison.Ordinal);
        return new Request(first[0], q < 0 ? target : target[..q], q < 0 ? "" : target[(q + 1)..], headers, body);
    }

    private static byte[] Head(int status, Dictionary<string, string> headers, long length)
    {
        var text = new StringBuilder($"HTTP/1.1 {status} {Reason(status)}\r\n");
        foreach (var (k, v) in headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"{k}: {v}\r\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\nConnection: close\r\n\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static async Task Send(NetworkStream stream, int status, Dictionary<string, string> headers, byte[] body, string method)
    {
        await stream.WriteAsync(Head(status, headers, body.Length));
        if (method != "HEAD")
        {
            await stream.WriteAsync(body);
        }

        await stream.FlushAsync();
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        401 => "Unauthorized",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        _ => "Status",
    };
}
