namespace LLaDAV.Eval.Media.Resampling;

/// <summary>PIL's resampling filters (<c>Image.Resampling</c>) that the vision pipelines use.</summary>
public enum ResampleFilter
{
    /// <summary>PIL NEAREST: the pixel whose centre-mapped coordinate falls in (Geometry.c affine nearest).</summary>
    Nearest,

    /// <summary>PIL BILINEAR: triangle filter, support 1, widened when downscaling.</summary>
    Bilinear,

    /// <summary>PIL BICUBIC: Keys cubic with a = -0.5, support 2, widened when downscaling (HF image processors' default).</summary>
    Bicubic,

    /// <summary>PIL LANCZOS: truncated sinc, support 3, widened when downscaling (lmms-eval's shrink for max_size_in_mb).</summary>
    Lanczos,
}
