using LLaDAV.Eval.Reports.Plots;

namespace LLaDAV.Eval.Tests.Reports;

/// <summary>A hand-made figure shared by the figure tests and FigureBenchmarks (linked into the benchmark project).</summary>
internal static class SampleFigures
{
    /// <summary>Two families at 1M/3M/9M samples on two tasks, with error bars on one.</summary>
    public static Figure Scaling()
    {
        var x = new Axis("training samples (log scale)", AxisScale.Log, TickFormat.Count);
        var y = new Axis("score (%)");
        Panel P(string title, double[] llada, double[] llama, double? se) => new(title, x, y,
        [
            new PlotSeries("LLaDA-V", [.. new[] { 1e6, 3e6, 9e6 }.Select((v, i) => new PlotPoint(v, llada[i], se))], SeriesStyle.ForIndex(0)),
            new PlotSeries("LLaMA3-V", [.. new[] { 1e6, 3e6, 9e6 }.Select((v, i) => new PlotPoint(v, llama[i], se))], SeriesStyle.ForIndex(1)),
        ]);
        return new Figure("Data scaling: score vs training samples",
            [P("MMMU-Pro (mmmu_pro_standard)", [30.1, 33.0, 35.2], [22.4, 25.9, 28.3], 1.1), P("MMStar (mmstar)", [55.0, 58.3, 60.1], [52.0, 54.9, 56.5], null)], 2, "Synthetic numbers.");
    }
}
