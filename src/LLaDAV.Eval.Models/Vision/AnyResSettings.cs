using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LLaDAV.Eval.Models.Vision;

/// <summary>
/// The <c>anyres_max_N</c> settings of a LLaVA-style checkpoint: the candidate resolutions
/// (<c>image_grid_pinpoints</c>), the tile size (the vision tower's <c>image_size</c>, also the processor's
/// <c>crop_size</c>), the patch size and the tile budget N that triggers the downsample.
/// </summary>
public sealed partial record AnyResSettings
{
    public AnyResSettings(ImmutableArray<PixelSize> pinpoints, int tileSize, int patchSize, int maxTiles)
    {
        if (pinpoints.IsDefaultOrEmpty)
        {
            throw new ArgumentException("anyres needs at least one grid pinpoint.", nameof(pinpoints));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTiles);
        foreach (var p in pinpoints)
        {
            if (p.Width <= 0 || p.Height <= 0 || p.Width % tileSize != 0 || p.Height % tileSize != 0)
            {
                throw new ArgumentException($"Grid pinpoint {p} is not a positive multiple of the tile size {tileSize}.", nameof(pinpoints));
            }
        }

        Pinpoints = pinpoints;
        TileSize = tileSize;
        PatchSize = patchSize;
        MaxTiles = maxTiles;
    }

    /// <summary>Candidate canvas sizes in config order (the order breaks ties).</summary>
    public ImmutableArray<PixelSize> Pinpoints { get; }

    public int TileSize { get; }

    public int PatchSize { get; }

    /// <summary>N of <c>anyres_max_N</c>.</summary>
    public int MaxTiles { get; }

    /// <summary>
    /// Patches along one side of a tile: <c>image_size // patch_size</c> (27 for 384 px and patch 14; the valid
    /// convolution ignores the last 6 pixels).
    /// </summary>
    public int PatchesPerSide => TileSize / PatchSize;

    /// <summary>
    /// Reads N from an <c>image_aspect_ratio</c> value, as <c>prepare_inputs_labels_for_multimodal</c> does with
    /// <c>re.match(r"anyres_max_(\d+)", ...)</c>; <c>false</c> for anything else (plain <c>anyres</c>, <c>pad</c>).
    /// </summary>
    public static bool TryParseMaxTiles(string imageAspectRatio, out int maxTiles)
    {
        ArgumentNullException.ThrowIfNull(imageAspectRatio);
        var m = AnyResMaxPattern().Match(imageAspectRatio);
        maxTiles = m.Success ? int.Parse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        return m.Success && maxTiles > 0;
    }

    [GeneratedRegex(@"^anyres_max_(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex AnyResMaxPattern();
}
