namespace LLaDAV.Eval.Media.Images;

/// <summary>What to do with an alpha channel (or a tRNS / GIF transparency key) when producing RGB.</summary>
public enum AlphaMode
{
    /// <summary>PIL's <c>Image.convert("RGB")</c>, as lmms-eval does: the colour channels are kept, alpha is ignored.</summary>
    Drop,

    /// <summary>
    /// HF transformers' <c>image_utils.convert_to_rgb</c>: <c>convert("RGBA")</c>, <c>Image.alpha_composite</c> over an
    /// opaque white canvas, then <c>convert("RGB")</c>. Identical to <see cref="Drop"/> for opaque images.
    /// </summary>
    CompositeOnWhite,
}
