using System.Globalization;
using System.Text;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Running.Io;

/// <summary>
/// One writer per run directory (issue 14 §1): an exclusive <c>flock(2)</c> on <c>DIR/.lock</c>, held by
/// <c>run</c>, <c>run --resume</c> and <c>merge --output</c> for their whole life. The kernel drops a flock when the
/// holder's last descriptor closes, including on <c>kill -9</c>, so a crash never leaves a stale lock; the file's
/// text (pid, host, start time) is only for the message a second writer gets.
/// </summary>
public sealed class RunDirectoryLock : IDisposable
{
    public const string FileName = ".lock";

    private readonly int _fd;
    private readonly FileStream? _fallback;

    private RunDirectoryLock(int fd, FileStream? fallback)
    {
        _fd = fd;
        _fallback = fallback;
    }

    /// <summary>
    /// Takes the lock or throws a <see cref="ConfigException"/> (exit 2) naming the holder. With
    /// <paramref name="create"/> the directory is made first (an unwritable location is one error naming it).
    /// </summary>
    public static RunDirectoryLock Acquire(string runDirectory, bool create)
    {
        if (create)
        {
            try
            {
                Directory.CreateDirectory(runDirectory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException($"Cannot create the run directory {runDirectory}: {e.Message} Pass a writable --output.", e);
            }
        }
        else if (!Directory.Exists(runDirectory))
        {
            throw new DataException($"{runDirectory} does not exist. Pass the run directory that 'lladav-eval run' printed.");
        }

        var path = Path.Combine(runDirectory, FileName);
        var holder = string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId} on host {Environment.MachineName} since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n");
        if (!PosixFile.Supported)
        {
            // Elsewhere an exclusive share mode is the closest the OS offers (Windows enforces it for all processes).
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                stream.SetLength(0);
                stream.Write(Encoding.UTF8.GetBytes(holder));
                stream.Flush();
                return new RunDirectoryLock(-1, stream);
            }
            catch (IOException)
            {
                throw InUse(runDirectory, path);
            }
        }

        var fd = PosixFile.OpenForLock(path);
        try
        {
            if (!PosixFile.TryLockExclusive(fd, path))
            {
                throw InUse(runDirectory, path);
            }

            PosixFile.Truncate(fd, 0, path);
            PosixFile.WriteAt(fd, Encoding.UTF8.GetBytes(holder), path);
            return new RunDirectoryLock(fd, null);
        }
        catch
        {
            PosixFile.Close(fd);
            throw;
        }
    }

    /// <summary>
    /// Who holds <paramref name="runDirectory"/>'s lock now (the holder's pid line), or null when nobody does. The probe
    /// takes and at once drops the flock, so it never waits and never leaves a lock behind.
    /// </summary>
    public static string? Holder(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        if (!PosixFile.Supported || !File.Exists(path))
        {
            return null;
        }

        var fd = PosixFile.OpenForLock(path);
        try
        {
            return PosixFile.TryLockExclusive(fd, path) ? null : Encoding.UTF8.GetString(PosixFile.ReadPrefix(path, 4096) ?? []).Trim() is { Length: > 0 } who ? who : "another process";
        }
        finally
        {
            PosixFile.Close(fd);
        }
    }

    public void Dispose()
    {
        if (_fallback is not null)
        {
            _fallback.Dispose();
        }
        else
        {
            // Closing the descriptor releases the flock; the file stays (deleting it would race with a waiting locker).
            PosixFile.Close(_fd);
        }
    }

    private static ConfigException InUse(string runDirectory, string path)
    {
        // Read without .NET's FileStream, which takes a shared flock on Unix and so fails while the holder's lock stands.
        var who = PosixFile.Supported ? Encoding.UTF8.GetString(PosixFile.ReadPrefix(path, 4096) ?? []).Trim() : ReadText(path);
        if (who.Length == 0)
        {
            who = "another process (it has not written its pid yet)";
        }

        return new ConfigException($"{runDirectory} is in use by {who}. Wait for it to finish (or stop it), or choose another --run-id / --output.");
    }

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
