using System.Collections.Immutable;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>
/// The Okabe-Ito colour-blind-safe palette (Okabe &amp; Ito 2008, "Color Universal Design"), in an order that
/// keeps the first series far apart for all common colour-vision deficiencies; yellow comes last because it is
/// hard to see on white. Grey is reserved for the paper's reference curves.
/// </summary>
public static class Palette
{
    public static readonly ImmutableArray<string> OkabeIto = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

    public const string Reference = "#6E6E6E";

    public const string Grid = "#E5E5E5";

    public const string Axis = "#333333";

    public static string Color(int index) => OkabeIto[((index % OkabeIto.Length) + OkabeIto.Length) % OkabeIto.Length];

    public static MarkerShape Marker(int index) => (MarkerShape)(((index % 4) + 4) % 4);
}
