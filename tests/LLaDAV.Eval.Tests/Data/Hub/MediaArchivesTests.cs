using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using LLaDAV.Eval.Data.Hub;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tests.Tasks;

namespace LLaDAV.Eval.Tests.Data.Hub;

/// <summary>
/// Media archives unpacked as lmms-eval 75571cf's <c>ConfigurableTask.download</c> does (zips and tar parts of the
/// snapshot into <c>$HF_HOME/&lt;cache_dir&gt;</c>, entries at their archive paths), but never seen half done.
/// </summary>
public sealed class MediaArchivesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("lladav-media-");

    private string Snapshot => Path.Combine(_root.FullName, "snapshot");

    private string Target => Path.Combine(_root.FullName, "hf", "videomme");

    public void Dispose() => _root.Delete(recursive: true);

    private static byte[] Bytes(int seed, int length) => [.. Enumerable.Range(0, length).Select(i => (byte)((i * 31 + seed) % 251))];

    private void Zip(string name, params (string Entry, byte[] Bytes)[] entries)
    {
        var path = Path.Combine(Snapshot, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entry, bytes) in entries)
        {
            using var stream = zip.CreateEntry(entry).Open();
            stream.Write(bytes);
        }
    }

    // Video-MME: videos_chunked_0N.zip hold data/<videoID>.mp4; lmms-eval extracts them into $HF_HOME/videomme, where
    // tasks/videomme/utils.py then looks for data/<videoID>.mp4.
    [Fact]
    public void Zips_are_extracted_at_their_entry_paths_into_the_cache_dir()
    {
        var a = Bytes(1, 5000);
        var b = Bytes(2, 7000);
        Zip("videos_chunked_01.zip", ("data/aaa.mp4", a));
        Zip("videos_chunked_02.zip", ("data/bbb.mp4", b));
        File.WriteAllText(Path.Combine(Snapshot, "subtitle.txt"), "not an archive");

        Assert.True(MediaArchives.Ensure("videomme", Snapshot, Target, createLink: false, null, CancellationToken.None));

        Assert.Equal(a, File.ReadAllBytes(Path.Combine(Target, "data", "aaa.mp4")));
        Assert.Equal(b, File.ReadAllBytes(Path.Combine(Target, "data", "bbb.mp4")));
        Assert.False(Directory.Exists(Target + MediaArchives.PartialSuffix));
        Assert.False(MediaArchives.Ensure("videomme", Snapshot, Target, createLink: false, null, CancellationToken.None));
    }

    // lmms-eval groups "<base>_<N>.tar" parts by base (re.sub(r"_\d+$", "", name before ".tar")) and joins them in
    // sorted order: here one tar stream cut into two files.
    [Fact]
    public void Split_tar_parts_are_joined_in_order_and_extracted()
    {
        var first = Bytes(3, 3000);
        var second = Bytes(4, 9000);
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, bytes) in new[] { ("video/x.mp4", first), ("video/y.mp4", second) })
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
            }
        }

        var all = tar.ToArray();
        Directory.CreateDirectory(Snapshot);
        File.WriteAllBytes(Path.Combine(Snapshot, "videos_1.tar"), all[..4096]);
        File.WriteAllBytes(Path.Combine(Snapshot, "videos_2.tar"), all[4096..]);
        Assert.Equal(("videos", 2), MediaArchives.Find(Snapshot).Tars.Select(t => (Path.GetFileName(t.Name), t.Parts.Length)).Single());

        MediaArchives.Ensure("mlvu", Snapshot, Target, createLink: false, null, CancellationToken.None);

        Assert.Equal(first, File.ReadAllBytes(Path.Combine(Target, "video", "x.mp4")));
        Assert.Equal(second, File.ReadAllBytes(Path.Combine(Target, "video", "y.mp4")));
    }

    [Fact]
    public void An_interrupted_extraction_is_never_visible_and_resumes_to_the_same_files()
    {
        var files = Enumerable.Range(0, 6).Select(i => ($"data/v{i}.mp4", Bytes(i, 4000 + i))).ToArray();
        Zip("videos.zip", files);
        using var cancel = new CancellationTokenSource();
        var reports = 0;
        var progress = new Reporter(_ =>
        {
            if (++reports == 3)
            {
                cancel.Cancel();
            }
        });

        Assert.Throws<OperationCanceledException>(() => MediaArchives.Ensure("videomme", Snapshot, Target, false, progress, cancel.Token));
        Assert.False(Directory.Exists(Target));
        Assert.True(File.Exists(Path.Combine(Target + MediaArchives.PartialSuffix, "data", "v0.mp4")));

        var seen = new List<ExtractionProgress>();
        MediaArchives.Ensure("videomme", Snapshot, Target, false, new Reporter(seen.Add), CancellationToken.None);

        foreach (var (entry, bytes) in files)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(Target, entry)));
        }

        Assert.Empty(Directory.GetFiles(Target, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(seen[^1].Total, seen[^1].Done);
        Assert.True(seen.Select(s => s.Done).SequenceEqual(seen.Select(s => s.Done).Order()), "progress never goes back");
    }

    [Fact]
    public void An_entry_outside_the_folder_is_refused()
    {
        Zip("evil.zip", ("../../escaped.mp4", Bytes(5, 10)));

        var e = Assert.Throws<DataException>(() => MediaArchives.Ensure("videomme", Snapshot, Target, false, null, CancellationToken.None));

        Assert.Contains("outside", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root.FullName, "escaped.mp4")));
        Assert.False(Directory.Exists(Target));
    }

    // MVBench (create_link: True): with no archives, lmms-eval links $HF_HOME/mvbench_video to the snapshot.
    [Fact]
    public void Create_link_without_archives_links_the_cache_dir_to_the_snapshot()
    {
        Directory.CreateDirectory(Path.Combine(Snapshot, "clevrer"));

        MediaArchives.Ensure("mvbench_action_antonym", Snapshot, Target, createLink: true, null, CancellationToken.None);

        Assert.Equal(Snapshot, new DirectoryInfo(Target).LinkTarget);
    }

    [Fact]
    public void The_target_is_hf_home_plus_the_yaml_cache_dir_only_for_video_tasks()
    {
        Assert.Equal(Path.Combine("/hf", "videomme"), MediaArchives.Target(TaskSamples.Task("videomme").Spec, "/hf"));
        Assert.Equal(Path.Combine("/hf", "mvbench_video"), MediaArchives.Target(TaskSamples.Task("mvbench_action_antonym").Spec, "/hf"));
        Assert.Null(MediaArchives.Target(TaskSamples.Task("mmstar").Spec, "/hf"));
        var hostile = TaskSamples.Task("videomme").Spec with { DatasetKwargs = TaskSamples.Task("videomme").Spec.DatasetKwargs.SetItem("cache_dir", "../../etc") };
        Assert.Throws<ConfigException>(() => MediaArchives.Target(hostile, "/hf"));
    }

    // A full disk: a 256 KiB tmpfs (root only, as CI runs) receives 1 MiB of media.
    [Fact]
    public void A_full_disk_is_a_clear_error_and_the_extraction_resumes_later()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Assert.Skip("needs root to mount a small tmpfs");
        }

        var small = Directory.CreateDirectory(Path.Combine(_root.FullName, "small")).FullName;
        if (Process.Start("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", small]) is not { } mount || !mount.WaitForExit(10_000) || mount.ExitCode != 0)
        {
            Assert.Skip("mount -t tmpfs failed here");
        }

        try
        {
            Zip("videos.zip", [.. Enumerable.Range(0, 8).Select(i => ($"data/v{i}.mp4", Bytes(i, 128 * 1024)))]);
            var target = Path.Combine(small, "videomme");

            var e = Assert.Throws<DataException>(() => MediaArchives.Ensure("videomme", Snapshot, target, false, null, CancellationToken.None));

            Assert.Contains("disk is full", e.Message, StringComparison.Ordinal);
            Assert.Contains("resumes", e.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(target));
        }
        finally
        {
            Process.Start("umount", [small])!.WaitForExit(10_000);
        }
    }

    private sealed class Reporter(Action<ExtractionProgress> action) : IProgress<ExtractionProgress>
    {
        public void Report(ExtractionProgress value) => action(value);
    }
}
