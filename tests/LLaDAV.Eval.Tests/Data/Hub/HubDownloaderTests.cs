using System.Diagnostics;
using System.Text;
using LLaDAV.Eval.Data.Hub;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Data.Hub;

/// <summary>
/// The Hub downloader against the stand-in Hub on 127.0.0.1 (tests/Shared/HubStandIn.cs): the cache layout
/// huggingface_hub writes, and every transfer fault ending in a completed resume or a clear error with nothing corrupt
/// in the cache (no half file under snapshots/, no unchecked blob).
/// </summary>
public sealed class HubDownloaderTests : IDisposable
{
    private const string Repo = "org/ds";
    private static readonly string s_commit = HubCacheBuilder.CommitFor("org/ds@main");

    /// <summary>"hello\n": its git blob id (`printf 'hello\n' | git hash-object --stdin`) and sha256 (`sha256sum`), well-known values.</summary>
    private const string HelloGitOid = "ce013625030ba8dba906f756967f9e9ca394464a";
    private const string HelloSha256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

    private readonly HubStandIn _hub = new();
    private readonly string _root = Directory.CreateTempSubdirectory("lladav-hubdl-").FullName;
    private readonly byte[] _big = Enumerable.Range(0, 300 * 1024).Select(i => (byte)(i * 7 % 251)).ToArray();

    public HubDownloaderTests()
    {
        _hub.AddRepo(Repo, "main", s_commit, new Dictionary<string, byte[]>
        {
            ["README.md"] = "hello\n"u8.ToArray(),
            ["data/test-00000-of-00001.parquet"] = "hello\n"u8.ToArray(),
            ["data/train-00000-of-00001.parquet"] = "not asked for\n"u8.ToArray(),
            ["sub/dir/notes.txt"] = "notes\n"u8.ToArray(),
            ["big.bin"] = _big,
        });
    }

    public void Dispose()
    {
        _hub.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Cache => Path.Combine(_root, "hub");

    private string RepoFolder => Path.Combine(Cache, "datasets--org--ds");

    private HubSettings Settings(string? token = null, string? cache = null) =>
        new(new Uri(_hub.Endpoint), token, token is null ? null : "HF_TOKEN", Offline: false, cache ?? Cache)
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            ReadTimeout = TimeSpan.FromSeconds(2),
            MaxAttempts = 4,
        };

    private static Task PullAsync(HubSettings settings, string repo, string revision, params string[] paths) =>
        PullAsync(settings, null, repo, revision, paths);

    private static async Task PullAsync(HubSettings settings, IProgress<HubTransferProgress>? progress, string repo, string revision, params string[] paths)
    {
        using var client = new HubClient(settings);
        var downloader = new HubDownloader(settings, client, progress);
        var info = await downloader.RepoInfoAsync(repo, revision, CancellationToken.None);
        downloader.Begin(repo, paths.Length, info.Siblings.Where(s => paths.Contains(s.Path)).Sum(s => s.Size ?? 0));
        await downloader.DownloadAsync(info, paths, CancellationToken.None);
        downloader.End();
        downloader.WriteRef(repo, revision, info.Commit);
    }

    /// <summary>Keeps every report, synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class Recorder : IProgress<HubTransferProgress>
    {
        public List<HubTransferProgress> Reports { get; } = [];

        public void Report(HubTransferProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }

    private string Snapshot(string path) => Path.Combine(RepoFolder, "snapshots", s_commit, path);

    /// <summary>Nothing half-done anywhere: no partial file, and every snapshot entry a link to a complete blob.</summary>
    private void AssertNothingCorrupt()
    {
        foreach (var link in Directory.Exists(Path.Combine(RepoFolder, "snapshots")) ? Directory.EnumerateFiles(Path.Combine(RepoFolder, "snapshots"), "*", SearchOption.AllDirectories) : [])
        {
            var target = new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true);
            Assert.NotNull(target);
            Assert.True(target!.Exists, link);
            Assert.DoesNotContain(".incomplete", target.Name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Files_land_in_the_layout_huggingface_hub_writes()
    {
        await PullAsync(Settings(token: "hf_secret"), Repo, "main", "README.md", "data/test-00000-of-00001.parquet", "sub/dir/notes.txt");

        // Blobs named by the ETag: the git blob id for a small file, the sha256 for an LFS file.
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(RepoFolder, "blobs", HelloGitOid)));
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(RepoFolder, "blobs", HelloSha256)));
        // Relative links, one ../ per folder level (huggingface_hub _create_symlink: os.path.relpath).
        Assert.Equal("../../blobs/" + HelloGitOid, new FileInfo(Snapshot("README.md")).LinkTarget);
        Assert.Equal("../../../blobs/" + HelloSha256, new FileInfo(Snapshot("data/test-00000-of-00001.parquet")).LinkTarget);
        Assert.StartsWith("../../../../blobs/", new FileInfo(Snapshot("sub/dir/notes.txt")).LinkTarget, StringComparison.Ordinal);
        Assert.Equal(s_commit, File.ReadAllText(Path.Combine(RepoFolder, "refs", "main")));
        Assert.True(File.Exists(Path.Combine(Cache, ".locks", "datasets--org--ds", HelloSha256 + ".lock")));
        // Only what was asked for.
        Assert.False(File.Exists(Snapshot("data/train-00000-of-00001.parquet")));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(RepoFolder, "blobs")).Length);
        Assert.Empty(Directory.GetFiles(RepoFolder, "*.incomplete", SearchOption.AllDirectories));
        // The token goes to the Hub, never to the CDN's signed URL.
        Assert.Contains(_hub.Log, l => l.StartsWith("GET /cdn/" + HelloSha256, StringComparison.Ordinal) && l.EndsWith(" cdn", StringComparison.Ordinal));
        Assert.DoesNotContain(_hub.Log, l => l.EndsWith(" cdn", StringComparison.Ordinal) && l.Contains(" auth", StringComparison.Ordinal));
        Assert.All(_hub.Log.Where(l => !l.EndsWith(" cdn", StringComparison.Ordinal)), l => Assert.EndsWith(" auth", l, StringComparison.Ordinal));

        // A second pull asks for the listing only: every snapshot entry is there.
        var before = _hub.Log.Count;
        await PullAsync(Settings(), Repo, "main", "README.md", "data/test-00000-of-00001.parquet", "sub/dir/notes.txt");
        Assert.Single(_hub.Log.Skip(before));
    }

    [Fact]
    public async Task A_reset_mid_file_resumes_with_a_range_request()
    {
        _hub.Fault("big.bin", new HubFault { ResetAt = 100 * 1024 });
        var progress = new Recorder();

        await PullAsync(Settings(), progress, Repo, "main", "big.bin");

        Assert.Equal(_big, File.ReadAllBytes(Snapshot("big.bin")));
        // The progress counts each byte once across the resume: it ends at the file's size, never above it.
        var last = progress.Reports[^1];
        Assert.True(last.Finished);
        Assert.Equal((_big.LongLength, _big.LongLength, 1, 1), (last.Done, last.Total, last.FilesDone, last.FilesTotal));
        Assert.All(progress.Reports, r => Assert.InRange(r.Done, 0, _big.LongLength));
        Assert.Matches(@"^300\.0 KiB / 300\.0 KiB, 1/1 files, [0-9.]+ [KMG]?i?B/s, ETA 0s$", last.Describe());
        var resumed = Assert.Single(_hub.Log, l => l.Contains("range=bytes=", StringComparison.Ordinal));
        var from = long.Parse(resumed[(resumed.IndexOf("range=bytes=", StringComparison.Ordinal) + 12)..].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(from, 1, 100 * 1024);
        AssertNothingCorrupt();
    }

    [Fact]
    public async Task A_connection_that_keeps_dying_is_a_clear_error_and_the_next_pull_resumes()
    {
        _hub.Fault("big.bin", new HubFault { ResetAt = 100 * 1024, Times = 100 });

        var error = await Assert.ThrowsAsync<DataException>(() => PullAsync(Settings(), Repo, "main", "big.bin"));

        Assert.Contains("downloading big.bin failed 4 times in a row", error.Message, StringComparison.Ordinal);
        Assert.Contains("the next `lladav-eval data pull` (or run) resumes", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Snapshot("big.bin")) || Directory.Exists(Path.Combine(RepoFolder, "snapshots")) && Directory.EnumerateFileSystemEntries(Path.Combine(RepoFolder, "snapshots"), "*", SearchOption.AllDirectories).Any(e => e.EndsWith("big.bin", StringComparison.Ordinal)));
        var partial = Assert.Single(Directory.GetFiles(Path.Combine(RepoFolder, "blobs")));
        Assert.EndsWith(".incomplete", partial, StringComparison.Ordinal);
        var kept = File.ReadAllBytes(partial);
        Assert.InRange(kept.Length, 1, 100 * 1024);
        Assert.Equal(_big[..kept.Length], kept);
        Assert.False(File.Exists(Path.Combine(RepoFolder, "refs", "main")));

        _hub.Fault("big.bin");
        await PullAsync(Settings(), Repo, "main", "big.bin");

        Assert.Contains(_hub.Log, l => l.Contains($"range=bytes={kept.Length}-", StringComparison.Ordinal));
        Assert.Equal(_big, File.ReadAllBytes(Snapshot("big.bin")));
        Assert.Empty(Directory.GetFiles(RepoFolder, "*.incomplete", SearchOption.AllDirectories));
        AssertNothingCorrupt();
    }

    [Fact]
    public async Task Wrong_bytes_are_never_published_and_are_fetched_again()
    {
        _hub.Fault("big.bin", new HubFault { WrongBytes = true });

        await PullAsync(Settings(), Repo, "main", "big.bin");

        Assert.Equal(_big, File.ReadAllBytes(Snapshot("big.bin")));
        Assert.Equal(2, _hub.Log.Count(l => l.StartsWith("GET /cdn/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Bytes_that_stay_wrong_are_an_error_leaving_nothing_behind()
    {
        _hub.Fault("sub/dir/notes.txt", new HubFault { WrongBytes = true, Times = 100 });

        var error = await Assert.ThrowsAsync<DataException>(() => PullAsync(Settings(), Repo, "main", "sub/dir/notes.txt"));

        Assert.Contains("sub/dir/notes.txt arrived corrupt 4 times (git blob sha1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was kept", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(RepoFolder, "blobs")));
        Assert.False(Directory.Exists(Path.Combine(RepoFolder, "snapshots")));
    }

    [Fact]
    public async Task A_slow_response_completes_and_a_stalled_one_resumes()
    {
        _hub.Fault("big.bin", new HubFault { Trickle = TimeSpan.FromMilliseconds(2) }, new HubFault { StallAt = 50 * 1024 });
        await PullAsync(Settings(), Repo, "main", "big.bin");
        Assert.Equal(_big, File.ReadAllBytes(Snapshot("big.bin")));
        Assert.DoesNotContain(_hub.Log, l => l.Contains("range=", StringComparison.Ordinal));

        File.Delete(Snapshot("big.bin"));
        File.Delete(Path.Combine(RepoFolder, "blobs", HubStandIn.Sha256(_big)));
        var settings = Settings() with { ReadTimeout = TimeSpan.FromMilliseconds(300) };
        await PullAsync(settings, Repo, "main", "big.bin");
        Assert.Equal(_big, File.ReadAllBytes(Snapshot("big.bin")));
        Assert.Contains(_hub.Log, l => l.Contains("range=bytes=", StringComparison.Ordinal));
        AssertNothingCorrupt();
    }

    [Fact]
    public async Task A_server_ignoring_the_range_restarts_the_file_from_zero()
    {
        _hub.Fault("big.bin", new HubFault { ResetAt = 100 * 1024 }, new HubFault { IgnoreRange = true });

        await PullAsync(Settings(), Repo, "main", "big.bin");

        Assert.Equal(_big, File.ReadAllBytes(Snapshot("big.bin")));
        Assert.Contains(_hub.Log, l => l.Contains("range=bytes=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gated_repository_says_where_to_accept_the_terms_and_how_to_pass_a_token()
    {
        _hub.AddRepo("org/gated", "main", s_commit, new Dictionary<string, byte[]> { ["data/test-00000-of-00001.parquet"] = "hello\n"u8.ToArray() }, gatedToken: "hf_good");

        var error = await Assert.ThrowsAsync<DataException>(() => PullAsync(Settings(), "org/gated", "main", "data/test-00000-of-00001.parquet"));
        Assert.Contains("org/gated is a gated dataset and the Hub refused access (HTTP 401", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Accept its terms at {_hub.Endpoint}/datasets/org/gated", error.Message, StringComparison.Ordinal);
        Assert.Contains("HF_TOKEN=hf_", error.Message, StringComparison.Ordinal);
        Assert.Contains("huggingface-cli login", error.Message, StringComparison.Ordinal);

        var wrong = await Assert.ThrowsAsync<DataException>(() => PullAsync(Settings(token: "hf_bad"), "org/gated", "main", "data/test-00000-of-00001.parquet"));
        Assert.Contains("The token from HF_TOKEN was sent", wrong.Message, StringComparison.Ordinal);

        await PullAsync(Settings(token: "hf_good"), "org/gated", "main", "data/test-00000-of-00001.parquet");
        Assert.True(File.Exists(Path.Combine(Cache, "datasets--org--gated", "blobs", HelloSha256)));
    }

    [Fact]
    public async Task Missing_repository_revision_and_file_are_named()
    {
        var repo = await Assert.ThrowsAsync<DataException>(() => PullAsync(Settings(), "org/nope", "main", "x"));
        Assert.Contains("org/nope: the Hub", repo.Message, StringComparison.Ordinal);
        Assert.Contains("has no dataset repository by that name, or it is private (HTTP 404", repo.Message, StringComparison.Ordinal);

        var revision = await Assert.ThrowsAsync<DataException>(() => PullAsync(Settings(), Repo, "v9", "README.md"));
        Assert.Contains("org/ds: the Hub has no revision 'v9' (HTTP 404)", revision.Message, StringComparison.Ordinal);

        var file = await Assert.ThrowsAsync<DataException>(() => PullAsync(Settings(), Repo, "main", "data/gone.parquet"));
        Assert.Contains($"org/ds@{s_commit}: the Hub has no file 'data/gone.parquet' (HTTP 404)", file.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(RepoFolder, "refs", "main")));
    }

    [Fact]
    public async Task A_path_leaving_the_snapshot_is_refused()
    {
        _hub.AddRepo("org/evil", "main", s_commit, new Dictionary<string, byte[]> { ["../../escape.txt"] = "x"u8.ToArray() });

        var error = await Assert.ThrowsAsync<DataException>(() => PullAsync(Settings(), "org/evil", "main", "../../escape.txt"));

        Assert.Contains("would land outside the snapshot folder", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Cache, "escape.txt")));
    }

    /// <summary>A full disk (a 512 KiB tmpfs, root only): a file that cannot fit is refused up front; one that fills the disk mid-transfer is a clear error and resumes.</summary>
    [Fact]
    public async Task A_full_disk_is_a_clear_error_and_the_partial_file_resumes()
    {
        var mount = Directory.CreateDirectory(Path.Combine(_root, "small")).FullName;
        Assert.SkipWhen(Environment.UserName != "root", "mounting a small tmpfs needs root");
        Assert.SkipUnless(Run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mount) == 0, "mount -t tmpfs failed here (no CAP_SYS_ADMIN)");
        try
        {
            var big = Enumerable.Range(0, 600 * 1024).Select(i => (byte)i).ToArray();
            _hub.AddRepo("org/huge", "main", s_commit, new Dictionary<string, byte[]> { ["huge.bin"] = big, ["big.bin"] = _big });
            var upfront = await Assert.ThrowsAsync<DataException>(() => PullAsync(Settings(cache: mount), "org/huge", "main", "huge.bin"));
            Assert.Contains("Not enough disk space for org/huge/huge.bin: it needs 600.0 KiB more", upfront.Message, StringComparison.Ordinal);

            // The disk fills while big.bin trickles in: the filler leaves 16 KiB free.
            _hub.Fault("big.bin", new HubFault { Trickle = TimeSpan.FromMilliseconds(5) });
            var pull = PullAsync(Settings(cache: mount), "org/huge", "main", "big.bin");
            var blobs = Path.Combine(mount, "datasets--org--huge", "blobs");
            while (!pull.IsCompleted && !(Directory.Exists(blobs) && Directory.GetFiles(blobs, "*.incomplete").Length > 0))
            {
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }

            var filler = Path.Combine(mount, "filler");
            await using (var fill = File.Create(filler))
            {
                var chunk = new byte[4096];
                try
                {
                    while (new DriveInfo(mount).AvailableFreeSpace > 16 * 1024)
                    {
                        fill.Write(chunk);
                        fill.Flush();
                    }
                }
                catch (IOException)
                {
                }
            }

            var full = await Assert.ThrowsAsync<DataException>(() => pull);
            Assert.Contains("The disk holding the hub cache is full", full.Message, StringComparison.Ordinal);
            Assert.Contains("the download resumes", full.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(mount, "datasets--org--huge", "snapshots")));
            Assert.False(File.Exists(Path.Combine(blobs, HubStandIn.Sha256(_big))));

            File.Delete(filler);
            _hub.Fault("big.bin");
            await PullAsync(Settings(cache: mount), "org/huge", "main", "big.bin");
            Assert.Equal(_big, File.ReadAllBytes(Path.Combine(mount, "datasets--org--huge", "snapshots", s_commit, "big.bin")));
            Assert.Contains(_hub.Log, l => l.Contains("range=bytes=", StringComparison.Ordinal));
        }
        finally
        {
            Run("umount", mount);
        }
    }

    private static int Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    [Fact]
    public void Offline_settings_create_no_client()
    {
        var offline = Settings() with { Offline = true };
        Assert.Throws<InvalidOperationException>(() => new HubClient(offline));
        Assert.Equal(0, _hub.Accepts);
    }

    [Fact]
    public void Verify_names_the_mismatch()
    {
        var file = Path.Combine(_root, "f");
        File.WriteAllBytes(file, Encoding.ASCII.GetBytes("hello\n"));
        Assert.Null(HubDownloader.Verify(file, new HubFileMetadata(null, HelloGitOid, 6, new Uri("http://x")), null));
        Assert.Null(HubDownloader.Verify(file, new HubFileMetadata(null, HelloSha256, 6, new Uri("http://x")), new HubSibling("f", 6, null, HelloSha256)));
        Assert.Contains("6 bytes instead of 7", HubDownloader.Verify(file, new HubFileMetadata(null, HelloGitOid, 7, new Uri("http://x")), null), StringComparison.Ordinal);
        Assert.Contains("sha256 " + HelloSha256, HubDownloader.Verify(file, new HubFileMetadata(null, new string('0', 64), 6, new Uri("http://x")), null), StringComparison.Ordinal);
    }
}
