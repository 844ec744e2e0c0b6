namespace LLaDAV.Eval.Media.Images;

/// <summary>What to do with an alpha channel (or a tRNS / GIF transparency key) when producing RGB.</summary>
public enum AlphaMode
{
    /// <summary>PIL's <c>Image.convert("RGB")</c>, as lmms-eval does: the colour channels are kept, alpha is ignored.</summary>
    Drop,

    /// <summary>
    /// The white-background <c>convert_to_rgb</c> of HF's Idefics-family processors (the manifest's
    /// <c>composited_on_white_rgb</c>): <c>convert("RGBA")</c>, <c>Image.alpha_composite</c> over an opaque white canvas,
    /// then <c>convert("RGB")</c>. Identical to <see cref="Drop"/> for opaque images. Note that
    /// <c>transformers.image_transforms.convert_to_rgb</c>, which LLaVA-NeXT's SigLipImageProcessor calls, is a plain
    /// <c>convert("RGB")</c> in the transformers releases we know, i.e. <see cref="Drop"/>.
    /// </summary>
    CompositeOnWhite,
}
