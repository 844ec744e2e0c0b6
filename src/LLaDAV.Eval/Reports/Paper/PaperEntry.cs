namespace LLaDAV.Eval.Reports.Paper;

/// <summary>
/// One published number of the LLaDA-V paper (the LLaDA-V paper (arXiv:2505.16933) Tables 2, 3, 4 and 8), with the lmms-eval task and metric
/// key it corresponds to in our runs and the scale each side uses.
/// </summary>
/// <param name="Table">table2, table3, table4 or table8.</param>
/// <param name="Column">The paper's column header, e.g. "MMMU val" or "MME cog.".</param>
/// <param name="Model">The paper's row, e.g. "LLaDA-V".</param>
/// <param name="Setting">A setting that distinguishes rows of one model, e.g. "refresh_interval=8"; empty if none.</param>
/// <param name="Type">AR, Diff. or AR+Diff.</param>
/// <param name="LlmTower">The language tower, e.g. LLaDA-8B; empty where the paper gives none.</param>
/// <param name="VisionTower">The vision tower where the paper states it; empty otherwise.</param>
/// <param name="Benchmark">The benchmark's name.</param>
/// <param name="Split">The evaluated split.</param>
/// <param name="Task">Our (lmms-eval) task name, mapped even when the task is not in our catalog yet.</param>
/// <param name="Metric">The results.json key, e.g. <c>mmmu_acc,none</c>; <c>tokens_per_second</c> for throughput.</param>
/// <param name="OursScale">The scale of <see cref="Metric"/> in our results.json.</param>
/// <param name="PaperScale">The scale the paper prints.</param>
/// <param name="Value">The published value on <see cref="PaperScale"/>.</param>
/// <param name="Decimals">Decimals as printed, so our numbers are shown with the same precision.</param>
public sealed record PaperEntry(
    string Table,
    string Column,
    string Model,
    string Setting,
    string Type,
    string LlmTower,
    string VisionTower,
    string Benchmark,
    string Split,
    string Task,
    string Metric,
    MetricScale OursScale,
    MetricScale PaperScale,
    double Value,
    int Decimals)
{
    /// <summary>Our results.json value converted to the paper's scale.</summary>
    public double ToPaperScale(double ours) => ours * MetricScales.Factor(OursScale, PaperScale);
}
