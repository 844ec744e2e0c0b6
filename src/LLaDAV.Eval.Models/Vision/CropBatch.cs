namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// Normalized crops ready for the vision tower: <c>Count × [3, Size, Size]</c> float32, channels first, crop after
/// crop (the <c>pixel_values</c> tensor LLaVA stacks).
/// </summary>
public sealed record CropBatch(int Count, int Size, float[] Pixels)
{
    public int CropLength => 3 * Size * Size;

    public ReadOnlySpan<float> Crop(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * CropLength, CropLength);
    }
}

/// <summary>One anyres image: its layout and its crops, the base (whole image stretched) first, then the tiles.</summary>
public sealed record AnyResCrops(AnyResLayout Layout, CropBatch Crops);
