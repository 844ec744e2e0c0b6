using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Running.Io;

/// <summary>
/// The few libc calls the run directory needs and .NET does not expose: <c>flock(2)</c> (FileStream.Lock is an fcntl
/// byte-range lock that .NET also takes per process, and FileShare.None is advisory only within .NET) and an
/// <c>O_APPEND</c> descriptor written with one <c>write(2)</c> per record (.NET's FileMode.Append seeks to the end once
/// and then writes at its own offset, so two processes can overwrite each other).
/// </summary>
internal static partial class PosixFile
{
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;
    public const int EWouldBlock = 11;
    public const int ENoSpace = 28;

    private const int OWriteOnly = 0x1;
    private const int OCreate = 0x40;
    private const int OAppend = 0x400;
    private const int OCloseOnExec = 0x80000;

    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>Opens (creating, mode 0644) <paramref name="path"/> for appending; every write lands at the end.</summary>
    public static int OpenAppend(string path)
    {
        var fd = Open(path, OWriteOnly | OCreate | OAppend | OCloseOnExec, 0x1A4);
        return fd >= 0 ? fd : throw Error(path, "open");
    }

    /// <summary>Opens (creating) <paramref name="path"/> for reading and writing, for a lock file.</summary>
    public static int OpenForLock(string path)
    {
        var fd = Open(path, 0x2 | OCreate | OCloseOnExec, 0x1A4);
        return fd >= 0 ? fd : throw Error(path, "open");
    }

    /// <summary>One <c>write(2)</c> of the whole buffer; a short write (only on a full disk) is an error, not a retry, so a record is never split across calls.</summary>
    public static unsafe void WriteAll(int fd, ReadOnlySpan<byte> bytes, string path)
    {
        fixed (byte* p = bytes)
        {
            var n = Write(fd, p, (nuint)bytes.Length);
            if (n < 0)
            {
                throw Error(path, "write");
            }

            if (n != bytes.Length)
            {
                throw new IOException($"{path}: only {n} of {bytes.Length} bytes were written (the disk is full?)", ENoSpace);
            }
        }
    }

    public static void Sync(int fd, string path)
    {
        if (FSync(fd) != 0)
        {
            throw Error(path, "fsync");
        }
    }

    /// <summary><c>flock(fd, LOCK_EX | LOCK_NB)</c>: false when another open file description holds it.</summary>
    public static bool TryLockExclusive(int fd, string path)
    {
        if (FLock(fd, LockExclusive | LockNonBlocking) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == EWouldBlock ? false : throw Error(path, "flock", errno);
    }

    public static void Truncate(int fd, long length, string path)
    {
        if (FTruncate(fd, length) != 0)
        {
            throw Error(path, "ftruncate");
        }
    }

    public static unsafe void WriteAt(int fd, ReadOnlySpan<byte> bytes, string path)
    {
        fixed (byte* p = bytes)
        {
            if (PWrite(fd, p, (nuint)bytes.Length, 0) != bytes.Length)
            {
                throw Error(path, "write");
            }
        }
    }

    public static void Close(int fd) => _ = CloseFd(fd);

    /// <summary><c>access(path, W_OK | X_OK)</c>: honours read-only mounts even for root, unlike a mode check.</summary>
    public static bool CanWrite(string path) => Access(path, 2 | 1) == 0;

    public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

    private static IOException Error(string path, string call, int? errno = null)
    {
        var e = errno ?? Marshal.GetLastPInvokeError();
        return new IOException($"{path}: {call} failed: {Marshal.GetPInvokeErrorMessage(e)}", e);
    }

    /// <summary>
    /// Up to <paramref name="max"/> bytes of a file read with open/read, no flock: .NET's own FileStream takes a shared
    /// flock on Unix and so fails on the lock file another process holds exclusively. Null when it cannot be read.
    /// </summary>
    public static unsafe byte[]? ReadPrefix(string path, int max)
    {
        var fd = Open(path, OCloseOnExec, 0);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            var buffer = new byte[max];
            fixed (byte* p = buffer)
            {
                var n = Read(fd, p, (nuint)max);
                return n < 0 ? null : buffer[..(int)n];
            }
        }
        finally
        {
            _ = CloseFd(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static unsafe partial nint PWrite(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FTruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FLock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseFd(int fd);
}
