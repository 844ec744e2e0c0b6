using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Data.Hub;

/// <summary>One file of a repository revision as the Hub lists it (<c>siblings</c> with <c>blobs=true</c>): path, size, git blob id, LFS sha256.</summary>
public sealed record HubSibling(string Path, long? Size, string? BlobId, string? LfsSha256);

/// <summary>A repository revision: the commit it resolves to and its files (huggingface_hub <c>DatasetInfo.sha</c>, <c>.siblings</c>).</summary>
public sealed record HubRepoInfo(string RepoId, string Revision, string Commit, ImmutableArray<HubSibling> Siblings);

/// <summary>
/// A file's metadata from <c>HEAD resolve/{commit}/{path}</c> (huggingface_hub <c>get_hf_file_metadata</c>): the commit
/// (<c>X-Repo-Commit</c>), the etag naming the blob (<c>X-Linked-Etag</c> else <c>ETag</c>, normalized), the size
/// (<c>X-Linked-Size</c> else <c>Content-Length</c>) and where the bytes are (<c>Location</c> of a redirect to the CDN).
/// </summary>
public sealed record HubFileMetadata(string? Commit, string Etag, long Size, Uri Location);

/// <summary>A transfer failure worth another attempt (a reset, a stall, 408/429/5xx).</summary>
public sealed class HubTransientException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The few Hub HTTP calls a dataset download needs, shaped as <c>huggingface_hub</c> makes them (hf_api.py
/// <c>dataset_info</c>; file_download.py <c>hf_hub_url</c>, <c>get_hf_file_metadata</c>, <c>http_get</c>;
/// utils/_http.py <c>hf_raise_for_status</c> for the <c>X-Error-Code</c> values RepoNotFound, GatedRepo,
/// RevisionNotFound, EntryNotFound). The token goes only to the Hub's own host: a redirect to another host (the LFS
/// CDN, whose URL is signed) is followed without it, as huggingface_hub drops <c>authorization</c> there.
/// </summary>
public sealed class HubClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly HubSettings _settings;

    public HubClient(HubSettings settings, HttpMessageHandler? handler = null)
    {
        if (settings.Offline)
        {
            // One owner of the offline rule: no client (hence no socket) exists in offline mode.
            throw new InvalidOperationException("HF_HUB_OFFLINE is set: no Hub client may be created.");
        }

        _settings = settings;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, ConnectTimeout = TimeSpan.FromSeconds(30) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("lladav-eval/1.0");
    }

    public void Dispose() => _http.Dispose();

    /// <summary><c>{endpoint}/datasets/{repo}/resolve/{revision}/{path}</c> (<c>hf_hub_url</c>: the revision and path URL-quoted, <c>/</c> kept in the path).</summary>
    public Uri ResolveUrl(string repoId, string revision, string path) =>
        new($"{_settings.Endpoint.AbsoluteUri.TrimEnd('/')}/datasets/{repoId}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary><c>GET /api/datasets/{repo}/revision/{revision}?blobs=true</c> (<c>dataset_info(files_metadata=True)</c>).</summary>
    public async Task<HubRepoInfo> RepoInfoAsync(string repoId, string revision, CancellationToken ct)
    {
        var url = new Uri($"{_settings.Endpoint.AbsoluteUri.TrimEnd('/')}/api/datasets/{repoId}/revision/{Uri.EscapeDataString(revision)}?blobs=true");
        using var response = await SendAsync(HttpMethod.Get, url, null, ct).ConfigureAwait(false);
        await RaiseForStatusAsync(response, repoId, revision, null, ct).ConfigureAwait(false);
        var body = await ReadBoundedAsync(response, 64 << 20, ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var sha = root.TryGetProperty("sha", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : null;
            if (sha is null || !IsCommit(sha))
            {
                throw new DataException($"{repoId}@{revision}: the Hub's repository info ({url}) has no 40-hex 'sha'; is HF_ENDPOINT ({_settings.Endpoint}) a Hugging Face Hub?");
            }

            var siblings = ImmutableArray.CreateBuilder<HubSibling>();
            if (root.TryGetProperty("siblings", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    var name = item.GetProperty("rfilename").GetString()!;
                    long? size = item.TryGetProperty("size", out var z) && z.ValueKind == JsonValueKind.Number ? z.GetInt64() : null;
                    var blob = item.TryGetProperty("blobId", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
                    string? lfs = null;
                    if (item.TryGetProperty("lfs", out var l) && l.ValueKind == JsonValueKind.Object)
                    {
                        lfs = l.TryGetProperty("sha256", out var h) ? h.GetString() : null;
                        size = l.TryGetProperty("size", out var lz) && lz.ValueKind == JsonValueKind.Number ? lz.GetInt64() : size;
                    }

                    siblings.Add(new HubSibling(name, size, blob, lfs));
                }
            }

            return new HubRepoInfo(repoId, revision, sha, siblings.ToImmutable());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new DataException($"{repoId}@{revision}: the Hub's repository info ({url}) is not the JSON huggingface_hub reads ({e.Message}); is HF_ENDPOINT ({_settings.Endpoint}) a Hugging Face Hub?", e);
        }
    }

    /// <summary>
    /// <c>get_hf_file_metadata</c>: a HEAD with <c>Accept-Encoding: identity</c>, following relative redirects only (a
    /// renamed repository); a redirect to another address (the CDN) is where the bytes will be fetched from.
    /// </summary>
    public async Task<HubFileMetadata> FileMetadataAsync(string repoId, string commit, string path, CancellationToken ct)
    {
        var url = ResolveUrl(repoId, commit, path);
        for (var hop = 0; ; hop++)
        {
            using var response = await SendAsync(HttpMethod.Head, url, null, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var location = response.Headers.Location;
            if (status is >= 300 and < 400 && location is not null && !location.IsAbsoluteUri && hop < 10)
            {
                url = new Uri(url, location);
                continue;
            }

            await RaiseForStatusAsync(response, repoId, commit, path, ct).ConfigureAwait(false);
            var etag = Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.ToString() ?? Header(response, "ETag");
            var sizeText = Header(response, "X-Linked-Size") ?? (status is >= 300 and < 400 ? null : response.Content.Headers.ContentLength?.ToString(CultureInfo.InvariantCulture));
            var commitHeader = Header(response, "X-Repo-Commit");
            if (NormalizeEtag(etag) is not { Length: > 0 } normalized || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                throw new DataException($"{repoId}: {url} answered without an ETag or a size (X-Linked-Etag/ETag, X-Linked-Size/Content-Length); huggingface_hub refuses such a file too. Is HF_ENDPOINT ({_settings.Endpoint}) a Hugging Face Hub, or is a proxy rewriting headers?");
            }

            if (!IsSafeName(normalized))
            {
                throw new DataException($"{repoId}: {url} gave the ETag '{normalized}', which cannot name a blob file (huggingface_hub names blobs by the ETag: a git sha1 or an LFS sha256).");
            }

            return new HubFileMetadata(commitHeader, normalized, size, location is { IsAbsoluteUri: true } ? location : url);
        }
    }

    /// <summary>
    /// <c>http_get</c>: GET the bytes from <paramref name="from"/> (a Range request when resuming), following redirects
    /// (the token dropped when the host changes). Returns the open response: 200 (whole file) or 206 (the rest).
    /// </summary>
    public async Task<HttpResponseMessage> GetAsync(Uri from, long resumeAt, string repoId, string commit, string path, CancellationToken ct)
    {
        var url = from;
        for (var hop = 0; ; hop++)
        {
            var response = await SendAsync(HttpMethod.Get, url, resumeAt > 0 ? new RangeHeaderValue(resumeAt, null) : null, ct, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } next && hop < 10)
            {
                response.Dispose();
                url = next.IsAbsoluteUri ? next : new Uri(url, next);
                continue;
            }

            if (status == 416 && resumeAt > 0)
            {
                response.Dispose();
                throw new HubTransientException($"{path}: the server refused the range bytes={resumeAt}- (416); starting the file over.");
            }

            try
            {
                await RaiseForStatusAsync(response, repoId, commit, path, ct).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }

            return response;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, RangeHeaderValue? range, CancellationToken ct, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.AcceptEncoding.ParseAdd("identity");
        request.Headers.Range = range;
        if (_settings.Token is { } token && SameHost(url, _settings.Endpoint))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (completion == HttpCompletionOption.ResponseContentRead)
        {
            timeout.CancelAfter(_settings.ReadTimeout * 6);
        }
        else
        {
            timeout.CancelAfter(_settings.ReadTimeout);
        }

        try
        {
            return await _http.SendAsync(request, completion, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new HubTransientException(string.Create(CultureInfo.InvariantCulture, $"{url.GetLeftPart(UriPartial.Path)} did not answer within {_settings.ReadTimeout.TotalSeconds:0.#} s"), e);
        }
        catch (HttpRequestException e)
        {
            throw new HubTransientException($"{url.GetLeftPart(UriPartial.Authority)}: {e.Message}", e);
        }
    }

    /// <summary><c>hf_raise_for_status</c>, with the fix in each message.</summary>
    private async Task RaiseForStatusAsync(HttpResponseMessage response, string repoId, string revision, string? path, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 400)
        {
            return;
        }

        var code = Header(response, "X-Error-Code");
        var message = Header(response, "X-Error-Message");
        string? body = null;
        try
        {
            body = System.Text.Encoding.UTF8.GetString(await ReadBoundedAsync(response, 4096, ct).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is IOException or HttpRequestException or DataException or OperationCanceledException)
        {
            // The status says enough.
        }

        var detail = message ?? (body is { Length: > 0 and < 300 } ? body : null);
        var page = $"{_settings.Endpoint.AbsoluteUri.TrimEnd('/')}/datasets/{repoId}";
        var tokenHelp = _settings.Token is null
            ? "No token was sent: set HF_TOKEN=hf_... (a read token from https://huggingface.co/settings/tokens) or run `huggingface-cli login` (it writes $HF_HOME/token, which lladav-eval reads too)."
            : $"The token from {_settings.TokenSource} was sent; check that it belongs to the account that accepted the terms and that it can read the repository.";
        if (code == "GatedRepo" || (status is 401 or 403 && detail?.Contains("gated", StringComparison.OrdinalIgnoreCase) == true))
        {
            throw new DataException($"{repoId} is a gated dataset and the Hub refused access (HTTP {status}{(detail is null ? "" : ": " + detail)}). Accept its terms at {page} while logged in, then pass a token. {tokenHelp}");
        }

        if (code == "RevisionNotFound")
        {
            throw new DataException($"{repoId}: the Hub has no revision '{revision}' (HTTP {status}). Check dataset_kwargs.revision in the task's YAML; the branches and tags are listed at {page}/tree/main.");
        }

        if (code == "EntryNotFound")
        {
            throw new DataException($"{repoId}@{revision}: the Hub has no file '{path}' (HTTP {status}). The repository changed since it was listed; run the pull again.");
        }

        if (code == "RepoNotFound" || status is 401 or 404)
        {
            throw new DataException($"{repoId}: the Hub ({_settings.Endpoint}) has no dataset repository by that name, or it is private (HTTP {status}{(detail is null ? "" : ": " + detail)}). Check the task's dataset_path; for a private repository, {tokenHelp}");
        }

        if (status == 403)
        {
            throw new DataException($"{repoId}: the Hub refused access (HTTP 403{(detail is null ? "" : ": " + detail)}). {tokenHelp} The repository page: {page}");
        }

        if (status is 408 or 429 or >= 500)
        {
            throw new HubTransientException($"{response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path)} answered HTTP {status}{(detail is null ? "" : ": " + detail)}");
        }

        throw new DataException($"{repoId}: the Hub answered HTTP {status} for {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path)}{(detail is null ? "" : ": " + detail)}.");
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int max, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > max)
            {
                throw new DataException($"{response.RequestMessage?.RequestUri}: the answer is larger than {max} bytes; is HF_ENDPOINT a Hugging Face Hub?");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    /// <summary><c>_normalize_etag</c>: <c>etag.lstrip("W/").strip('"')</c>.</summary>
    public static string? NormalizeEtag(string? etag) => etag?.TrimStart('W', '/').Trim('"');

    public static bool IsCommit(string text) => text.Length == 40 && text.All(char.IsAsciiHexDigitLower);

    internal static bool IsSafeName(string name) => name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name.Trim('.').Length > 0;

    internal static bool SameHost(Uri a, Uri b) =>
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port && a.Scheme == b.Scheme;
}
