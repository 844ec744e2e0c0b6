using System.Runtime.InteropServices;
using System.Text;

namespace LLaDAV.Eval.Media.Interop;

/// <summary>
/// libpng16's "simplified" read API (png.h §"SIMPLIFIED API"): no setjmp/longjmp crosses managed frames, errors come
/// back as a return code plus a message in the <c>png_image</c> struct.
/// </summary>
internal sealed unsafe class LibPng
{
    public const uint FormatFlagAlpha = 0x01;
    public const uint FormatFlagColor = 0x02;
    public const uint FormatFlagLinear = 0x04;

    private static readonly Lazy<LibPng?> s_instance = new(Load);

    private readonly delegate* unmanaged<PngImage*, void*, nuint, int> _beginReadFromMemory;
    private readonly delegate* unmanaged<PngImage*, void*, void*, int, void*, int> _finishRead;
    private readonly delegate* unmanaged<PngImage*, void> _free;

    private LibPng(nint[] f)
    {
        _beginReadFromMemory = (delegate* unmanaged<PngImage*, void*, nuint, int>)f[0];
        _finishRead = (delegate* unmanaged<PngImage*, void*, void*, int, void*, int>)f[1];
        _free = (delegate* unmanaged<PngImage*, void>)f[2];
    }

    public static LibPng? Instance => s_instance.Value;

    /// <summary>Reads the header, then the pixels in <paramref name="chooseFormat"/>(file format) layout.</summary>
    public (int Width, int Height, uint FileFormat, uint Format, byte[] Buffer) Read(ReadOnlySpan<byte> png, Func<uint, uint> chooseFormat)
    {
        var image = default(PngImage);
        image.Version = 1; // PNG_IMAGE_VERSION
        try
        {
            fixed (byte* data = png)
            {
                if (_beginReadFromMemory(&image, data, (nuint)png.Length) == 0)
                {
                    throw new MediaException($"libpng cannot read the PNG header: {Message(&image)}.");
                }

                var fileFormat = image.Format;
                image.Format = chooseFormat(fileFormat);
                var components = ((image.Format & FormatFlagColor) != 0 ? 3 : 1) + ((image.Format & FormatFlagAlpha) != 0 ? 1 : 0);
                var bytesPerComponent = (image.Format & FormatFlagLinear) != 0 ? 2 : 1;
                var buffer = new byte[checked((long)image.Width * image.Height * components * bytesPerComponent)];
                fixed (byte* output = buffer)
                {
                    // row_stride 0 = packed rows; background null is fine because we never ask libpng to remove alpha.
                    if (_finishRead(&image, null, output, 0, null) == 0)
                    {
                        throw new MediaException($"libpng cannot decode the PNG data: {Message(&image)}.");
                    }
                }

                return ((int)image.Width, (int)image.Height, fileFormat, image.Format, buffer);
            }
        }
        finally
        {
            _free(&image);
        }
    }

    private static string Message(PngImage* image) =>
        Encoding.ASCII.GetString(new ReadOnlySpan<byte>(image->Message, 64)).TrimEnd('\0');

    private static LibPng? Load() =>
        NativeLibraryProbe.TryLoad(["libpng16.so.16", "libpng16.so"], ["png_image_begin_read_from_memory", "png_image_finish_read", "png_image_free"], out var f)
            ? new LibPng(f)
            : null;

    /// <summary>png.h's <c>png_image</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PngImage
    {
        public nint Opaque;
        public uint Version;
        public uint Width;
        public uint Height;
        public uint Format;
        public uint Flags;
        public uint ColormapEntries;
        public uint WarningOrError;
        public fixed byte Message[64];
    }
}
