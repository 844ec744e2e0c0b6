using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Media.Interop;

/// <summary>
/// libjpeg-turbo's TurboJPEG 2.x API (<c>tjDecompress2</c>; Debian 12 ships 2.1, which predates <c>tj3*</c>).
/// With flags 0 it uses the same libjpeg defaults as PIL (accurate integer IDCT, fancy upsampling).
/// </summary>
internal sealed unsafe class LibTurboJpeg
{
    public const int PixelFormatRgb = 0;    // TJPF_RGB
    public const int PixelFormatGray = 6;   // TJPF_GRAY
    public const int PixelFormatCmyk = 11;  // TJPF_CMYK
    public const int ColorspaceGray = 2;    // TJCS_GRAY
    public const int ColorspaceCmyk = 3;    // TJCS_CMYK
    public const int ColorspaceYcck = 4;    // TJCS_YCCK
    private const int ErrorWarning = 0;     // TJERR_WARNING: libjpeg warnings that PIL ignores as well

    private static readonly Lazy<LibTurboJpeg?> s_instance = new(Load);

    private readonly delegate* unmanaged<nint> _initDecompress;
    private readonly delegate* unmanaged<nint, byte*, nuint, int*, int*, int*, int*, int> _decompressHeader3;
    private readonly delegate* unmanaged<nint, byte*, nuint, byte*, int, int, int, int, int, int> _decompress2;
    private readonly delegate* unmanaged<nint, sbyte*> _getErrorStr2;
    private readonly delegate* unmanaged<nint, int> _getErrorCode;
    private readonly delegate* unmanaged<nint, int> _destroy;

    private LibTurboJpeg(nint[] f)
    {
        _initDecompress = (delegate* unmanaged<nint>)f[0];
        _decompressHeader3 = (delegate* unmanaged<nint, byte*, nuint, int*, int*, int*, int*, int>)f[1];
        _decompress2 = (delegate* unmanaged<nint, byte*, nuint, byte*, int, int, int, int, int, int>)f[2];
        _getErrorStr2 = (delegate* unmanaged<nint, sbyte*>)f[3];
        _getErrorCode = (delegate* unmanaged<nint, int>)f[4];
        _destroy = (delegate* unmanaged<nint, int>)f[5];
    }

    public static LibTurboJpeg? Instance => s_instance.Value;

    /// <summary>Decodes to the pixel format chosen from the JPEG colour space (<paramref name="choosePixelFormat"/>).</summary>
    public (int Width, int Height, int PixelFormat, byte[] Buffer) Decode(ReadOnlySpan<byte> jpeg, Func<int, int> choosePixelFormat)
    {
        var handle = _initDecompress();
        if (handle == 0)
        {
            throw new MediaException("libturbojpeg could not create a decompressor.");
        }

        try
        {
            fixed (byte* data = jpeg)
            {
                int width, height, subsampling, colorspace;
                if (_decompressHeader3(handle, data, (nuint)jpeg.Length, &width, &height, &subsampling, &colorspace) != 0)
                {
                    throw new MediaException($"libturbojpeg cannot read the JPEG header: {Error(handle)}.");
                }

                var pixelFormat = choosePixelFormat(colorspace);
                var channels = pixelFormat switch { PixelFormatGray => 1, PixelFormatCmyk => 4, _ => 3 };
                var buffer = new byte[checked(width * height * channels)];
                fixed (byte* output = buffer)
                {
                    if (_decompress2(handle, data, (nuint)jpeg.Length, output, width, 0, height, pixelFormat, 0) != 0
                        && _getErrorCode(handle) != ErrorWarning)
                    {
                        throw new MediaException($"libturbojpeg cannot decode the JPEG data: {Error(handle)}.");
                    }
                }

                return (width, height, pixelFormat, buffer);
            }
        }
        finally
        {
            _ = _destroy(handle);
        }
    }

    private string Error(nint handle) => Marshal.PtrToStringUTF8((nint)_getErrorStr2(handle)) ?? "unknown error";

    private static LibTurboJpeg? Load() =>
        NativeLibraryProbe.TryLoad(
            ["libturbojpeg.so.0", "libturbojpeg.so"],
            ["tjInitDecompress", "tjDecompressHeader3", "tjDecompress2", "tjGetErrorStr2", "tjGetErrorCode", "tjDestroy"],
            out var f)
            ? new LibTurboJpeg(f)
            : null;
}
