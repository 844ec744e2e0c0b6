namespace LLaDAV.Eval.Media.Interop;

/// <summary>libwebp's one-call decoders (<c>WebPDecodeRGB</c> / <c>WebPDecodeRGBA</c>), the output PIL's plugin gets too.</summary>
internal sealed unsafe class LibWebP
{
    private static readonly Lazy<LibWebP?> s_instance = new(Load);

    private readonly delegate* unmanaged<byte*, nuint, int*, int*, byte*> _decodeRgb;
    private readonly delegate* unmanaged<byte*, nuint, int*, int*, byte*> _decodeRgba;
    private readonly delegate* unmanaged<void*, void> _free;

    private LibWebP(nint[] f)
    {
        _decodeRgb = (delegate* unmanaged<byte*, nuint, int*, int*, byte*>)f[0];
        _decodeRgba = (delegate* unmanaged<byte*, nuint, int*, int*, byte*>)f[1];
        _free = (delegate* unmanaged<void*, void>)f[2];
    }

    public static LibWebP? Instance => s_instance.Value;

    public (int Width, int Height, byte[] Pixels) Decode(ReadOnlySpan<byte> webp, bool withAlpha)
    {
        fixed (byte* data = webp)
        {
            int width, height;
            var pixels = withAlpha
                ? _decodeRgba(data, (nuint)webp.Length, &width, &height)
                : _decodeRgb(data, (nuint)webp.Length, &width, &height);
            if (pixels is null)
            {
                throw new MediaException("libwebp cannot decode the WebP data (corrupt or unsupported bitstream).");
            }

            try
            {
                return (width, height, new ReadOnlySpan<byte>(pixels, checked(width * height * (withAlpha ? 4 : 3))).ToArray());
            }
            finally
            {
                _free(pixels);
            }
        }
    }

    private static LibWebP? Load() =>
        NativeLibraryProbe.TryLoad(["libwebp.so.7", "libwebp.so"], ["WebPDecodeRGB", "WebPDecodeRGBA", "WebPFree"], out var f)
            ? new LibWebP(f)
            : null;
}
