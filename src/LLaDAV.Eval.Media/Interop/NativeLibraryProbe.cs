using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Media.Interop;

/// <summary>
/// Loads a system library by its SONAME and resolves exports, without throwing when it is absent, so the
/// pipeline keeps working (through the ffmpeg fallback or a clear <see cref="MediaException"/>) on machines without it.
/// </summary>
internal static class NativeLibraryProbe
{
    public static bool TryLoad(IEnumerable<string> sonames, IReadOnlyList<string> exports, out nint[] functions)
    {
        functions = new nint[exports.Count];
        foreach (var soname in sonames)
        {
            if (!NativeLibrary.TryLoad(soname, out var handle))
            {
                continue;
            }

            var all = true;
            for (var i = 0; i < exports.Count && all; i++)
            {
                all = NativeLibrary.TryGetExport(handle, exports[i], out functions[i]);
            }

            if (all)
            {
                // Deliberately never freed: function pointers into it live for the process lifetime.
                return true;
            }

            NativeLibrary.Free(handle);
        }

        return false;
    }
}
