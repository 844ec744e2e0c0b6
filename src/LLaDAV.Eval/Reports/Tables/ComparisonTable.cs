using System.Collections.Immutable;
using System.Globalization;

namespace LLaDAV.Eval.Reports.Tables;

/// <summary>A benchmark column: the paper's header and the task/metric it maps to.</summary>
public sealed record TableColumn(string Name, string Task, string Metric);

/// <summary>
/// One cell: our value and the paper's, both on the paper's scale, and the signed difference ours − paper.
/// <see cref="Decimals"/> is the paper's printed precision.
/// </summary>
public sealed record TableCell(double? Ours, double? Paper, int Decimals)
{
    public static TableCell Empty { get; } = new(null, null, 1);

    public double? Delta => Ours is { } o && Paper is { } p ? o - p : null;

    public string OursText => Format(Ours);

    public string PaperText => Format(Paper);

    public string DeltaText => Delta is { } d ? d.ToString(SignedFormat, CultureInfo.InvariantCulture) : "-";

    private string SignedFormat => Decimals == 0 ? "+0;-0;0" : $"+0.{new string('0', Decimals)};-0.{new string('0', Decimals)};0.{new string('0', Decimals)}";

    private string Format(double? value) => value is { } v ? v.ToString("F" + Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "-";
}

/// <summary>A row: a paper model (<see cref="IsPaper"/>) or one of our runs compared with <see cref="Reference"/>.</summary>
public sealed record TableRow(string Label, bool IsPaper, string? Reference, ImmutableArray<TableCell> Cells)
{
    public string SourceText => IsPaper ? "paper" : Reference is null ? "run" : $"run vs {Reference}";
}

/// <summary>
/// One paper table (the LLaDA-V paper (arXiv:2505.16933) Tables 2-4) with our runs' rows beside the paper's. <see cref="Transposed"/>: printed as
/// the paper prints it, benchmarks down the side and models across (Table 4, the ablation, has two models and twelve
/// benchmarks). <see cref="Note"/>: a line printed under the table (the sample-data warning).
/// </summary>
public sealed record ComparisonTable(string Name, string Title, ImmutableArray<TableColumn> Columns, ImmutableArray<TableRow> Rows, bool Transposed = false, string? Note = null);
