namespace LLaDAV.Eval.Media.Images;

/// <summary>An 8-bit RGB colour, e.g. a padding background.</summary>
public readonly record struct RgbColor(byte R, byte G, byte B)
{
    public static RgbColor Black => new(0, 0, 0);

    /// <summary>LLaVA's multi-image "pad" background: <c>tuple(int(x * 255) for x in image_mean)</c> with mean 0.5.</summary>
    public static RgbColor MidGray => new(127, 127, 127);
}
