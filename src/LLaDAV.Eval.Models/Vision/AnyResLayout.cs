namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// Where every crop and every visual token of one <c>anyres_max_N</c> image goes, computed from the image size
/// alone (no pixels, no weights), so a caller can count tokens without running the model.
/// </summary>
/// <param name="Original">The image size PIL reports (<c>image_sizes</c> in LLaVA).</param>
/// <param name="BestResolution">The pinpoint picked by <c>select_best_resolution</c>.</param>
/// <param name="GridColumns">Tiles across (<c>best_width // tile</c>).</param>
/// <param name="GridRows">Tiles down (<c>best_height // tile</c>).</param>
/// <param name="Resized">The size the image is resized to before it is pasted on the black canvas.</param>
/// <param name="PasteLeft">Left offset of the resized image on the canvas.</param>
/// <param name="PasteTop">Top offset of the resized image on the canvas.</param>
/// <param name="Unpad">The rows/columns of the stitched feature map kept by <c>unpad_image</c>.</param>
/// <param name="FeatureRows">Rows of the grid feature map after unpadding and the optional downsample.</param>
/// <param name="FeatureColumns">Columns of the grid feature map after unpadding and the optional downsample
/// (without the newline column).</param>
/// <param name="Downsampled">Whether the bilinear downsample ran (the unpadded map exceeded 1.1× the tile budget).</param>
/// <param name="BaseTokens">Tokens of the base crop (patches per side squared).</param>
public sealed record AnyResLayout(
    PixelSize Original,
    PixelSize BestResolution,
    int GridColumns,
    int GridRows,
    PixelSize Resized,
    int PasteLeft,
    int PasteTop,
    UnpadWindow Unpad,
    int FeatureRows,
    int FeatureColumns,
    bool Downsampled,
    int BaseTokens)
{
    /// <summary>Tiles cut from the padded canvas (the base crop not included).</summary>
    public int TileCount => GridColumns * GridRows;

    /// <summary>Tokens after the base crop: every row of the grid map plus its image_newline.</summary>
    public int GridTokens => FeatureRows * (FeatureColumns + 1);

    /// <summary>All tokens that replace the image placeholder.</summary>
    public int VisualTokens => BaseTokens + GridTokens;
}

/// <summary>
/// The window of the stitched <c>[rows, columns]</c> feature map that <c>unpad_image</c> keeps: rows
/// <c>[Top, Top + Rows)</c> and columns <c>[Left, Left + Columns)</c>.
/// </summary>
public readonly record struct UnpadWindow(int Top, int Left, int Rows, int Columns);
