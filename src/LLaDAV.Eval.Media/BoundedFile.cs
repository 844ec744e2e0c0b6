using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LLaDAV.Eval.Media;

/// <summary>
/// Opening and reading data files with the caps of <see cref="InputLimits"/> (issue 23 §3). A data path must name a
/// regular file: a FIFO blocks in open(2) until a writer appears (and the process then ignores SIGTERM's managed
/// handler, stuck in the kernel), and a device such as /dev/zero never ends, so both are refused from their
/// <c>statx(2)</c> type before anything opens them. Symbolic links are followed (HF cache snapshots are links into
/// blobs/), and the type checked is the target's.
/// </summary>
public static partial class BoundedFile
{
    /// <summary>Refuses <paramref name="path"/> unless it is a regular file; returns its size. Missing files raise <see cref="FileNotFoundException"/>.</summary>
    /// <param name="what">What the file is, for the message ("image file", "responses file").</param>
    public static long RequireRegular(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux())
        {
            // statx is Linux's; elsewhere .NET's own view (a directory is the only non-file it distinguishes).
            var info = new FileInfo(path);
            return info.Exists ? info.Length : throw new FileNotFoundException($"{what} {path} does not exist.", path);
        }

        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType | StatxSize, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is 2 or 20)
            {
                // ENOENT, ENOTDIR: the path does not exist.
                throw new FileNotFoundException($"{what} {path} does not exist.", path);
            }

            throw new IOException($"Cannot stat {what} {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        // struct statx (linux/stat.h) has one layout on every architecture: stx_mode is a u16 at byte 28, stx_size a
        // u64 at byte 40.
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]);
        var size = BinaryPrimitives.ReadInt64LittleEndian(buffer[40..]);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
        if (kind is not null)
        {
            throw new InputLimitException($"{what} {path} is {kind}, not a regular file; data is read only from regular files (a pipe or device may block or never end). Point it at a file.");
        }

        return size;
    }

    /// <summary>Reads a whole regular file of at most <paramref name="limit"/> bytes (<paramref name="variable"/> raises it).</summary>
    public static byte[] ReadAllBytes(string path, string what, long limit, string variable)
    {
        var size = RequireRegular(path, what);
        if (size > limit)
        {
            throw TooLarge(path, what, size, limit, variable);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        // The file may grow between stat and read: read at most limit + 1 bytes and refuse a longer one.
        var result = new MemoryStream((int)Math.Min(size + 1, limit + 1));
        var chunk = new byte[81920];
        long total = 0;
        int n;
        while ((n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit + 1 - total))) > 0)
        {
            result.Write(chunk, 0, n);
            total += n;
            if (total > limit)
            {
                throw TooLarge(path, what, total, limit, variable);
            }
        }

        return result.ToArray();
    }

    /// <summary>A whole small text file (UTF-8), capped by <see cref="InputLimits.MaxSmallFileBytes"/>.</summary>
    public static string ReadAllText(string path, string what) =>
        Encoding.UTF8.GetString(ReadAllBytes(path, what, InputLimits.Current.MaxSmallFileBytes, "LLADAV_MAX_FILE_BYTES")).TrimStart('\uFEFF');

    /// <summary>Opens a regular file for streaming reads (lines are capped by <see cref="ReadLines"/>).</summary>
    public static FileStream OpenRead(string path, string what)
    {
        _ = RequireRegular(path, what);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
    }

    /// <summary>
    /// The lines of a regular UTF-8 file, each at most <see cref="InputLimits.MaxLineBytes"/> long (a longer one is an
    /// error naming the file and line, never a string of unbounded size). Line ends are \n or \r\n.
    /// </summary>
    public static IEnumerable<string> ReadLines(string path, string what)
    {
        var limit = InputLimits.Current.MaxLineBytes;
        using var stream = OpenRead(path, what);
        var line = new MemoryStream();
        var buffer = new byte[1 << 16];
        var number = 1L;
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                Append(line, buffer.AsSpan(start, i - start), limit, path, what, number);
                yield return Decode(line, number);
                line.SetLength(0);
                number++;
                start = i + 1;
            }

            Append(line, buffer.AsSpan(start, n - start), limit, path, what, number);
        }

        if (line.Length > 0)
        {
            yield return Decode(line, number);
        }
    }

    private static void Append(MemoryStream line, ReadOnlySpan<byte> bytes, long limit, string path, string what, long number)
    {
        if (line.Length + bytes.Length > limit)
        {
            throw new InputLimitException(string.Create(CultureInfo.InvariantCulture,
                $"{what} {path}:{number}: the line is longer than {limit} bytes; a line this long is not a plausible record. {InputLimits.RaiseHint("LLADAV_MAX_LINE_BYTES", limit)}"));
        }

        line.Write(bytes);
    }

    private static string Decode(MemoryStream line, long number)
    {
        var span = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (span.Length > 0 && span[^1] == (byte)'\r')
        {
            span = span[..^1];
        }

        var text = Encoding.UTF8.GetString(span);
        return number == 1 ? text.TrimStart('\uFEFF') : text;
    }

    private static InputLimitException TooLarge(string path, string what, long size, long limit, string variable) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{what} {path} is {size} bytes, more than the limit for it. {InputLimits.RaiseHint(variable, limit)}"));

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
