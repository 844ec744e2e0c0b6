using ScottPlot;
using ScottPlot.AxisPanels;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>
/// A real base-10 log x axis for ScottPlot 5, which has none (its cookbook plots log10 of the data and relabels the
/// ticks). Plottables keep their data values; only the coordinate ↔ pixel mapping is logarithmic. ScottPlot reaches
/// axes through <see cref="IAxis"/> (plottables, grid, tick marks), so re-implementing the interface's mapping is
/// enough; limits must be positive.
/// </summary>
public sealed class LogBottomAxis : BottomAxis, IXAxis
{
    float IAxis.GetPixel(double position, PixelRect dataArea) => dataArea.Left + (float)(dataArea.Width * LogScale.Fraction(position, Min, Max));

    double IAxis.GetCoordinate(float pixel, PixelRect dataArea) => LogScale.Value((pixel - dataArea.Left) / dataArea.Width, Min, Max);
}

/// <summary>The y counterpart of <see cref="LogBottomAxis"/> (pixels grow downwards).</summary>
public sealed class LogLeftAxis : LeftAxis, IYAxis
{
    float IAxis.GetPixel(double position, PixelRect dataArea) => dataArea.Bottom - (float)(dataArea.Height * LogScale.Fraction(position, Min, Max));

    double IAxis.GetCoordinate(float pixel, PixelRect dataArea) => LogScale.Value((dataArea.Bottom - pixel) / dataArea.Height, Min, Max);
}

/// <summary>Where a value sits between two positive limits on a log10 scale, and back.</summary>
public static class LogScale
{
    public static double Fraction(double value, double min, double max) =>
        (Math.Log10(value) - Math.Log10(min)) / (Math.Log10(max) - Math.Log10(min));

    public static double Value(double fraction, double min, double max) =>
        Math.Pow(10, Math.Log10(min) + (fraction * (Math.Log10(max) - Math.Log10(min))));
}
