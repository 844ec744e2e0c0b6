using System.Collections.Immutable;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Data.Hub;

/// <summary>Extraction progress: bytes written so far of the total, and the archive being read.</summary>
public readonly record struct ExtractionProgress(string Task, string Target, long Done, long Total, string Archive);

/// <summary>
/// The media archives of a video task, unpacked where lmms-eval unpacks them (lmms-eval 75571cf
/// <c>api/task.py</c> <c>ConfigurableTask.download</c>, the <c>dataset_kwargs.video</c> branch): when
/// <c>$HF_HOME/&lt;cache_dir&gt;</c> does not exist, every <c>**/*.zip</c> of the snapshot is extracted into it, and the
/// <c>**/*.tar*</c> files are grouped by their name before <c>.tar</c> without a trailing <c>_N</c> (split parts),
/// joined in sorted order and extracted into it; with <c>create_link</c> and no archives, <c>cache_dir</c> becomes a
/// symlink to the snapshot. So one extraction serves both tools. Unlike lmms-eval, the extraction is never seen half
/// done: it goes to <c>&lt;cache_dir&gt;.lladav-partial/</c> (each file written under a temporary name, then
/// renamed), resumes from there after an interruption, and is renamed to <c>cache_dir</c> only when complete;
/// zip and tar archives are both extracted (lmms-eval skips the tars once a zip has created the folder), and an
/// entry that would land outside the folder is refused.
/// </summary>
public static partial class MediaArchives
{
    public const string PartialSuffix = ".lladav-partial";

    /// <summary>Where the task's media go, or null when the task keeps no archives (no <c>video: True</c> + <c>cache_dir</c>).</summary>
    public static string? Target(TaskSpec spec, string? hfHome)
    {
        if (hfHome is null || !IsTrue(spec.DatasetKwargs.GetValueOrDefault("video")) || Data.VideoLocator.CacheDir(spec) is not { } cacheDir)
        {
            return null;
        }

        // lmms-eval's resolve_cache_dir allows $VARS, ~ and absolute paths; a task file of ours names a folder under HF_HOME.
        if (Path.IsPathRooted(cacheDir) || cacheDir.Split('/', '\\').Any(p => p is ".." or "") || cacheDir.Contains('$', StringComparison.Ordinal) || cacheDir.StartsWith('~'))
        {
            throw new ConfigException($"{spec.SourceFile}: dataset_kwargs.cache_dir '{cacheDir}' must be a folder name under HF_HOME (no absolute path, '..', '~' or $VARIABLE).");
        }

        return Path.Combine(hfHome, cacheDir);
    }

    /// <summary>The archives of a snapshot, as lmms-eval globs them: zips, and tar parts grouped by base name.</summary>
    public static (ImmutableArray<string> Zips, ImmutableArray<(string Name, ImmutableArray<string> Parts)> Tars) Find(string snapshot)
    {
        var files = DataFilesResolver.ListFiles(snapshot);
        var zips = files.Where(f => f.EndsWith(".zip", StringComparison.Ordinal)).Select(f => Path.Combine(snapshot, f)).ToImmutableArray();
        var tars = files.Where(f => f[(f.LastIndexOf('/') + 1)..].Contains(".tar", StringComparison.Ordinal))
            .GroupBy(f => TrailingPart().Replace(f[..f.IndexOf(".tar", f.LastIndexOf('/') + 1, StringComparison.Ordinal)], ""), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Order(StringComparer.Ordinal).Select(f => Path.Combine(snapshot, f)).ToImmutableArray()))
            .ToImmutableArray();
        return (zips, tars);
    }

    /// <summary>
    /// Makes <paramref name="target"/> hold the snapshot's extracted media (or, with <paramref name="createLink"/> and no
    /// archives, be a link to the snapshot). Nothing happens when it exists already. Returns true when work was done.
    /// </summary>
    public static bool Ensure(string task, string snapshot, string target, bool createLink, IProgress<ExtractionProgress>? progress, CancellationToken ct)
    {
        if (Directory.Exists(target) || File.Exists(target))
        {
            return false;
        }

        var (zips, tars) = Find(snapshot);
        if (zips.Length == 0 && tars.Length == 0)
        {
            if (!createLink)
            {
                return false;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Directory.CreateSymbolicLink(target, snapshot);
            return true;
        }

        var partial = target + PartialSuffix;
        Directory.CreateDirectory(partial);
        long total = zips.Sum(z => DatasetLocation.Content(z).Length) + tars.Sum(t => t.Parts.Sum(p => DatasetLocation.Content(p).Length));
        long done = 0;
        try
        {
            foreach (var zip in zips)
            {
                done = ExtractZip(task, zip, partial, target, done, total, progress, ct);
            }

            foreach (var (_, parts) in tars)
            {
                done = ExtractTar(task, parts, partial, target, done, total, progress, ct);
            }
        }
        catch (IOException e) when (e.HResult == 28 || (e.HResult & 0xFFFF) == 28 || e.Message.Contains("No space left", StringComparison.Ordinal))
        {
            throw new DataException(
                $"The disk is full while extracting {task}'s media into {partial} ({e.Message}). Free space there (the archives hold {total / (1 << 20)} MiB) and run again: the extraction resumes where it stopped.", e);
        }

        Directory.Move(partial, target);
        progress?.Report(new ExtractionProgress(task, target, total, total, ""));
        return true;
    }

    private static long ExtractZip(string task, string zip, string partial, string target, long done, long total, IProgress<ExtractionProgress>? progress, CancellationToken ct)
    {
        using var archive = ZipFile.OpenRead(zip);
        var size = DatasetLocation.Content(zip).Length;
        var start = done;
        var entries = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
        long uncompressed = Math.Max(1, entries.Sum(e => e.Length));
        long written = 0;
        foreach (var entry in entries)
        {
            ct.ThrowIfCancellationRequested();
            var path = Confined(partial, entry.FullName, zip);
            if (!File.Exists(path) || new FileInfo(path).Length != entry.Length)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var temporary = path + ".tmp";
                using (var source = entry.Open())
                using (var destination = File.Create(temporary))
                {
                    source.CopyTo(destination);
                }

                File.Move(temporary, path, overwrite: true);
            }

            written += entry.Length;
            progress?.Report(new ExtractionProgress(task, target, start + (long)((double)written / uncompressed * size), total, Path.GetFileName(zip)));
        }

        return start + size;
    }

    private static long ExtractTar(string task, ImmutableArray<string> parts, string partial, string target, long done, long total, IProgress<ExtractionProgress>? progress, CancellationToken ct)
    {
        // Split parts are one tar stream cut in pieces (lmms-eval concat_tar_parts joins them in sorted order).
        using var joined = new ConcatenatedStream([.. parts.Select(p => (Stream)File.OpenRead(p))]);
        Stream stream = parts[0].EndsWith(".gz", StringComparison.Ordinal) || parts[0].EndsWith(".tgz", StringComparison.Ordinal) ? new GZipStream(joined, CompressionMode.Decompress) : joined;
        using var reader = new TarReader(stream);
        var size = parts.Sum(p => DatasetLocation.Content(p).Length);
        var start = done;
        while (reader.GetNextEntry() is { } entry)
        {
            ct.ThrowIfCancellationRequested();
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
            {
                continue;
            }

            var path = Confined(partial, entry.Name, parts[0]);
            if (!File.Exists(path) || new FileInfo(path).Length != entry.Length)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var temporary = path + ".tmp";
                entry.ExtractToFile(temporary, overwrite: true);
                File.Move(temporary, path, overwrite: true);
            }

            progress?.Report(new ExtractionProgress(task, target, start + Math.Min(size, joined.Position), total, Path.GetFileName(parts[0])));
        }

        return start + size;
    }

    /// <summary>An archive entry stays inside the extraction folder ("zip slip" refused).</summary>
    private static string Confined(string root, string name, string archive)
    {
        var full = Path.GetFullPath(Path.Combine(root, name));
        if (Path.IsPathRooted(name) || !full.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new DataException($"{archive}: entry '{name}' would be written outside {root}; refusing to extract this archive.");
        }

        return full;
    }

    internal static bool IsTrue(object? value) => value is true || (value is string s && s.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>lmms-eval: <c>re.sub(r"_\d+$", "", base_name)</c>.</summary>
    [GeneratedRegex(@"_\d+$")]
    private static partial Regex TrailingPart();

    /// <summary>Several files read as one stream, in order (the split parts of one tar).</summary>
    private sealed class ConcatenatedStream(Stream[] parts) : Stream
    {
        private int _index;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // A zero-length read says nothing about the end of a part (TarReader asks for 0 bytes of padding).
            if (count == 0)
            {
                return 0;
            }

            while (_index < parts.Length)
            {
                var n = parts[_index].Read(buffer, offset, count);
                if (n > 0)
                {
                    _position += n;
                    return n;
                }

                _index++;
            }

            return 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foreach (var p in parts)
                {
                    p.Dispose();
                }
            }

            base.Dispose(disposing);
        }
    }
}
