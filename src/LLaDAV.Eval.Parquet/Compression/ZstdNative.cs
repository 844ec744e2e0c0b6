using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Parquet.Compression;

/// <summary>
/// ZSTD through the system's libzstd (Debian package <c>libzstd1</c>), bound lazily on first use so files without
/// ZSTD pages never need it. ZSTD_decompress handles concatenated frames, as Parquet pages may hold.
/// </summary>
internal static unsafe class ZstdNative
{
    /// <summary>Tried in order; <c>lladav-eval doctor</c> reports the same names (through <see cref="ZstdLibrary"/>).</summary>
    internal static readonly string[] Sonames = ["libzstd.so.1", "libzstd.so", "libzstd"];

    private static readonly Lazy<Api> s_api = new(() => Load(Sonames));

    public static void Decode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var api = s_api.Value;
        nuint written;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            written = api.Decompress(d, (nuint)dst.Length, s, (nuint)src.Length);
        }

        if (api.IsError(written) != 0)
        {
            var name = Marshal.PtrToStringAnsi((IntPtr)api.GetErrorName(written)) ?? "unknown error";
            throw new ParquetFormatException($"ZSTD page does not decompress: {name}");
        }

        if (written != (nuint)dst.Length)
        {
            throw new ParquetFormatException($"ZSTD page decompressed to {written} bytes, not the {dst.Length} its header declares");
        }
    }

    /// <summary>Binds the first library of <paramref name="names"/> that loads (a parameter so tests can name a missing one).</summary>
    internal static Api Load(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                return new Api(
                    (delegate* unmanaged<byte*, nuint, byte*, nuint, nuint>)NativeLibrary.GetExport(handle, "ZSTD_decompress"),
                    (delegate* unmanaged<nuint, uint>)NativeLibrary.GetExport(handle, "ZSTD_isError"),
                    (delegate* unmanaged<nuint, byte*>)NativeLibrary.GetExport(handle, "ZSTD_getErrorName"));
            }
        }

        throw new ParquetFormatException("this file uses ZSTD compression, which needs libzstd.so.1: install the Debian package libzstd1 (apt-get install libzstd1)");
    }

    internal sealed class Api(
        delegate* unmanaged<byte*, nuint, byte*, nuint, nuint> decompress,
        delegate* unmanaged<nuint, uint> isError,
        delegate* unmanaged<nuint, byte*> getErrorName)
    {
        public nuint Decompress(byte* dst, nuint dstCapacity, byte* src, nuint srcSize) => decompress(dst, dstCapacity, src, srcSize);

        public uint IsError(nuint code) => isError(code);

        public byte* GetErrorName(nuint code) => getErrorName(code);
    }
}
