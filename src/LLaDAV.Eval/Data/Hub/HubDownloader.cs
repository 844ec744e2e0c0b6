using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Data.Hub;

/// <summary>Transfer progress of one pull: bytes and files done of the total, and the time spent.</summary>
public readonly record struct HubTransferProgress(string Label, long Done, long Total, int FilesDone, int FilesTotal, TimeSpan Elapsed, bool Finished)
{
    /// <summary>"12.0 MiB / 40.0 MiB, 3/5 files, 5.1 MiB/s, ETA 6s" (rate over the whole pull).</summary>
    public string Describe()
    {
        var seconds = Math.Max(Elapsed.TotalSeconds, 1e-3);
        var rate = Done / seconds;
        var eta = Finished ? "0s" : rate > 0 ? Scaling.EtaText.Format((Total - Done) / rate) : "-";
        return string.Create(CultureInfo.InvariantCulture, $"{Bytes(Done)} / {Bytes(Total)}, {FilesDone}/{FilesTotal} files, {Bytes((long)rate)}/s, ETA {eta}");
    }

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => $"{bytes} B",
    };
}

/// <summary>
/// Downloads files of a dataset repository revision into the hub cache exactly as <c>huggingface_hub</c>'s
/// <c>hf_hub_download</c> does (file_download.py <c>_hf_hub_download_to_cache_dir</c>): the metadata HEAD names the
/// blob (<c>blobs/&lt;etag&gt;</c>: the LFS sha256, or the git blob sha1 of a small file); under the lock
/// <c>.locks/datasets--org--name/&lt;etag&gt;.lock</c> (an flock, so it also excludes a Python download of the same
/// blob) the bytes go to <c>blobs/&lt;etag&gt;.incomplete</c>, resumed with a Range request after an interruption
/// (<c>http_get</c>'s <c>resume_size</c>); the blob is published by a rename only once its size and hash match the
/// Hub's metadata; then <c>snapshots/&lt;commit&gt;/&lt;path&gt;</c> becomes a relative symlink to it
/// (<c>_create_symlink</c>), and <c>refs/&lt;revision&gt;</c> names the commit (<c>_cache_commit_hash_for_specific_revision</c>).
/// So a snapshot never holds a half file, and Python tools and this one share every byte.
/// </summary>
public sealed class HubDownloader(HubSettings settings, HubClient client, IProgress<HubTransferProgress>? progress = null)
{
    private long _done;
    private long _total;
    private int _filesDone;
    private int _filesTotal;
    private readonly Stopwatch _clock = new();
    private string _label = "";

    public HubSettings Settings => settings;

    public HubClient Client => client;

    public string RepoFolder(string repoId) => HubCache.RepoFolder(settings.HubCache, repoId);

    public string SnapshotFolder(string repoId, string commit) => Path.Combine(RepoFolder(repoId), "snapshots", commit);

    /// <summary>Starts a progress view over <paramref name="files"/> (sizes from the repository listing).</summary>
    public void Begin(string label, int files, long bytes)
    {
        _label = label;
        _done = 0;
        _filesDone = 0;
        _total = bytes;
        _filesTotal = files;
        _clock.Restart();
        Report(false);
    }

    public void End() => Report(true);

    /// <summary>Downloads <paramref name="paths"/> of <paramref name="info"/>'s commit, <see cref="HubSettings.MaxParallelFiles"/> at a time.</summary>
    public async Task DownloadAsync(HubRepoInfo info, IReadOnlyList<string> paths, CancellationToken ct)
    {
        var errors = new List<Exception>();
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.MaxParallelFiles), CancellationToken = ct }, async (path, token) =>
        {
            try
            {
                await EnsureFileAsync(info, path, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DataException)
            {
                lock (errors)
                {
                    errors.Add(e);
                }
            }
        }).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            throw errors.Count == 1 ? errors[0] : new DataException(string.Join("\n", errors.Select(e => e.Message).Distinct().Order(StringComparer.Ordinal)), errors[0]);
        }
    }

    /// <summary><c>refs/&lt;revision&gt;</c> holds the commit, no newline; written through a temporary file and a rename (a reader never sees half a hash).</summary>
    public void WriteRef(string repoId, string revision, string commit)
    {
        if (revision == commit)
        {
            return;
        }

        if (revision.Length == 0 || revision.StartsWith('/') || revision.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw new DataException($"{repoId}: the revision '{revision}' cannot name a file under refs/ (a branch or tag name has no empty, '.' or '..' parts). Check dataset_kwargs.revision in the task's YAML.");
        }

        var file = Path.Combine(RepoFolder(repoId), "refs", revision);
        if (File.Exists(file) && File.ReadAllText(file) == commit)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temp = file + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temp, commit);
        File.Move(temp, file, overwrite: true);
    }

    /// <summary>One file: the snapshot link if it is there, else the blob (downloaded, checked, published), then the link.</summary>
    public async Task EnsureFileAsync(HubRepoInfo info, string path, CancellationToken ct)
    {
        CheckRelative(info.RepoId, path);
        var sibling = info.Siblings.FirstOrDefault(s => s.Path == path);
        var pointer = Path.Combine(SnapshotFolder(info.RepoId, info.Commit), path);
        if (File.Exists(pointer))
        {
            Count(sibling?.Size ?? new FileInfo(pointer).Length, file: true);
            return;
        }

        var meta = await WithRetriesAsync(info.RepoId, path, () => client.FileMetadataAsync(info.RepoId, info.Commit, path, ct), ct).ConfigureAwait(false);
        if (sibling?.Size is { } listed && listed != meta.Size)
        {
            throw new DataException($"{info.RepoId}@{info.Commit}: {path} is {listed} bytes in the repository listing but {meta.Size} bytes in its file metadata; the Hub (or a proxy) is inconsistent. Try again later.");
        }

        var repoFolder = RepoFolder(info.RepoId);
        var blob = Path.Combine(repoFolder, "blobs", meta.Etag);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        if (!File.Exists(blob))
        {
            var lockFile = Path.Combine(settings.HubCache, ".locks", Path.GetFileName(repoFolder), meta.Etag + ".lock");
            using var held = await AcquireLockAsync(lockFile, ct).ConfigureAwait(false);
            if (!File.Exists(blob))
            {
                await DownloadBlobAsync(info, path, sibling, meta, blob, ct).ConfigureAwait(false);
            }
            else
            {
                Count(meta.Size, file: false);
            }
        }
        else
        {
            Count(meta.Size, file: false);
        }

        Link(blob, pointer);
        Count(0, file: true);
    }

    private async Task DownloadBlobAsync(HubRepoInfo info, string path, HubSibling? sibling, HubFileMetadata meta, string blob, CancellationToken ct)
    {
        var incomplete = blob + ".incomplete";
        var counted = new StrongBox<long>(0);
        var attempts = 0;
        while (true)
        {
            var have = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
            if (have > meta.Size)
            {
                File.Delete(incomplete);
                have = 0;
            }

            CheckFreeSpace(blob, meta.Size - have, info.RepoId, path);
            // The progress counts what the partial file holds: a resumed file starts where it stopped.
            Add(counted, have - counted.Value);
            try
            {
                if (have < meta.Size || meta.Size == 0)
                {
                    await TransferAsync(info, path, meta, incomplete, have, counted, ct).ConfigureAwait(false);
                }

                var problem = Verify(incomplete, meta, sibling);
                if (problem is null)
                {
                    File.Move(incomplete, blob, overwrite: false);
                    return;
                }

                // Wrong bytes are never resumed from: the next attempt starts the file over.
                File.Delete(incomplete);
                if (++attempts >= settings.MaxAttempts)
                {
                    throw new DataException(
                        $"{info.RepoId}@{info.Commit}: {path} arrived corrupt {attempts} times ({problem}). Nothing was kept; a proxy or the network is altering the bytes. Try again, or from another network.");
                }
            }
            catch (HubTransientException e)
            {
                var now = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
                var progressed = now > have;
                attempts = progressed ? 1 : attempts + 1;
                if (attempts >= settings.MaxAttempts)
                {
                    throw new DataException(
                        $"{info.RepoId}@{info.Commit}: downloading {path} failed {attempts} times in a row ({e.Message}); {now} of {meta.Size} bytes are kept in {incomplete}, and the next `lladav-eval data pull` (or run) resumes from there. Check the network or HF_ENDPOINT ({settings.Endpoint}).", e);
                }
            }
            catch (IOException e) when (IsDiskFull(e))
            {
                var now = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
                throw new DataException(
                    $"The disk holding the hub cache is full ({e.Message}) while downloading {info.RepoId}/{path} into {incomplete} ({now} of {meta.Size} bytes written). Free {HubTransferProgress.Bytes(meta.Size - now)} there (or point HF_HUB_CACHE / HF_HOME at a larger disk) and pull again: the download resumes.", e);
            }

            await Task.Delay(Backoff(attempts), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Streams the bytes from <paramref name="have"/> on into the partial file, counting them into <paramref name="counted"/>.</summary>
    private async Task TransferAsync(HubRepoInfo info, string path, HubFileMetadata meta, string incomplete, long have, StrongBox<long> counted, CancellationToken ct)
    {
        using var response = await client.GetAsync(meta.Location, have, info.RepoId, info.Commit, path, ct).ConfigureAwait(false);
        var append = have > 0 && (int)response.StatusCode == 206;
        await using var file = new FileStream(incomplete, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        var written = append ? have : 0;
        if (!append && have > 0)
        {
            // http_get: "If we requested a Range but got 200 back, the server ignored our Range header": start over.
            Add(counted, -have);
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        while (true)
        {
            int n;
            using (var stall = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                stall.CancelAfter(settings.ReadTimeout);
                try
                {
                    n = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
                {
                    await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    throw new HubTransientException(string.Create(CultureInfo.InvariantCulture, $"no data for {settings.ReadTimeout.TotalSeconds:0.#} s after {written} bytes"), e);
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    throw new HubTransientException($"the connection broke after {written} of {meta.Size} bytes ({e.Message})", e);
                }
            }

            if (n == 0)
            {
                break;
            }

            if (written + n > meta.Size)
            {
                // More bytes than the metadata promised: wrong content, caught by Verify; keep only what fits.
                n = (int)Math.Max(0, meta.Size - written);
                await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                written += n;
                Add(counted, n);
                break;
            }

            await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            written += n;
            Add(counted, n);
        }

        await file.FlushAsync(ct).ConfigureAwait(false);
        if (written < meta.Size)
        {
            throw new HubTransientException($"the connection closed after {written} of {meta.Size} bytes");
        }
    }

    private void Add(StrongBox<long> counted, long bytes)
    {
        counted.Value += bytes;
        Count(bytes, file: false);
    }

    /// <summary>
    /// The size and content hash against the Hub's metadata: an etag of 64 hex digits is the LFS sha256 of the content,
    /// one of 40 the git blob sha1 (<c>sha1("blob {size}\0" + content)</c>); the listing's <c>lfs.sha256</c> and
    /// <c>blobId</c> are checked too when given. Returns what is wrong, or null.
    /// </summary>
    public static string? Verify(string file, HubFileMetadata meta, HubSibling? sibling)
    {
        var size = new FileInfo(file).Length;
        if (size != meta.Size)
        {
            return $"{size} bytes instead of {meta.Size}";
        }

        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {size}\0")));
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            var buffer = new byte[1 << 16];
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                sha256.AppendData(buffer, 0, n);
                sha1.AppendData(buffer, 0, n);
            }
        }

        var contentSha256 = Convert.ToHexStringLower(sha256.GetHashAndReset());
        var gitSha1 = Convert.ToHexStringLower(sha1.GetHashAndReset());
        var lfs = sibling?.LfsSha256;
        if (lfs is not null && lfs != contentSha256)
        {
            return $"sha256 {contentSha256}, the Hub lists {lfs}";
        }

        if (meta.Etag.Length == 64 && meta.Etag.All(char.IsAsciiHexDigit) && !meta.Etag.Equals(contentSha256, StringComparison.OrdinalIgnoreCase))
        {
            return $"sha256 {contentSha256}, the Hub's ETag says {meta.Etag}";
        }

        if (lfs is null && meta.Etag.Length == 40 && meta.Etag.All(char.IsAsciiHexDigit) && !meta.Etag.Equals(gitSha1, StringComparison.OrdinalIgnoreCase))
        {
            return $"git blob sha1 {gitSha1}, the Hub's ETag says {meta.Etag}";
        }

        if (lfs is null && sibling?.BlobId is { Length: 40 } blobId && blobId != gitSha1)
        {
            return $"git blob sha1 {gitSha1}, the Hub lists {blobId}";
        }

        return null;
    }

    /// <summary><c>_create_symlink</c>: the snapshot entry is a relative link to the blob (replacing whatever was there).</summary>
    private static void Link(string blob, string pointer)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
        var relative = Path.GetRelativePath(Path.GetDirectoryName(pointer)!, blob);
        var temp = pointer + "." + Guid.NewGuid().ToString("N")[..8] + ".lnk";
        File.CreateSymbolicLink(temp, relative);
        File.Move(temp, pointer, overwrite: true);
    }

    /// <summary>The exclusive lock huggingface_hub takes around a blob download (its <c>filelock</c> is an flock, as .NET's <see cref="FileShare.None"/> on Unix).</summary>
    private static async Task<FileStream> AcquireLockAsync(string lockFile, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        while (true)
        {
            try
            {
                return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(lockFile))
            {
                // Another process (or a parallel file of this pull with the same content) is downloading this blob.
                await Task.Delay(200, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary><c>_check_disk_space</c>, as an error rather than a warning: a transfer that cannot fit is not started.</summary>
    private static void CheckFreeSpace(string blob, long needed, string repoId, string path)
    {
        long free;
        try
        {
            free = new DriveInfo(Path.GetDirectoryName(Path.GetFullPath(blob))!).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return;
        }

        if (needed > 0 && free < needed)
        {
            throw new DataException(
                $"Not enough disk space for {repoId}/{path}: it needs {HubTransferProgress.Bytes(needed)} more in {Path.GetDirectoryName(blob)}, {HubTransferProgress.Bytes(free)} are free. Free space there or point HF_HUB_CACHE / HF_HOME at a larger disk, then pull again.");
        }
    }

    internal static bool IsDiskFull(IOException e) =>
        e.HResult == 28 || (e.HResult & 0xFFFF) == 28 || e.Message.Contains("No space left", StringComparison.Ordinal) || e.Message.Contains("Disk quota", StringComparison.Ordinal);

    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(8000, settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1))));

    /// <summary>Bounded retries with backoff around a request that moves no bytes (metadata).</summary>
    private async Task<T> WithRetriesAsync<T>(string repoId, string path, Func<Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (HubTransientException e) when (attempt < settings.MaxAttempts)
            {
                _ = e;
                await Task.Delay(Backoff(attempt), ct).ConfigureAwait(false);
            }
            catch (HubTransientException e)
            {
                throw new DataException($"{repoId}: asking the Hub ({settings.Endpoint}) about {path} failed {attempt} times ({e.Message}). Check the network, a proxy, or HF_ENDPOINT; HF_HUB_OFFLINE=1 works with what the cache holds.", e);
            }
        }
    }

    /// <summary>Bounded retries for the repository listing.</summary>
    public Task<HubRepoInfo> RepoInfoAsync(string repoId, string revision, CancellationToken ct) =>
        WithRetriesAsync(repoId, "its file list", () => client.RepoInfoAsync(repoId, revision, ct), ct);

    private static void CheckRelative(string repoId, string path)
    {
        if (path.Length == 0 || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw new DataException($"{repoId}: the Hub lists the file '{path}', which would land outside the snapshot folder; refusing it (huggingface_hub refuses such paths too).");
        }
    }

    private void Count(long bytes, bool file)
    {
        Interlocked.Add(ref _done, bytes);
        if (file)
        {
            Interlocked.Increment(ref _filesDone);
        }

        Report(false);
    }

    private void Report(bool finished) =>
        progress?.Report(new HubTransferProgress(_label, Interlocked.Read(ref _done), Interlocked.Read(ref _total), Volatile.Read(ref _filesDone), Volatile.Read(ref _filesTotal), _clock.Elapsed, finished));
}
