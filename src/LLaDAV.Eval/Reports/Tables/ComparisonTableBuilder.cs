using System.Collections.Immutable;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Reports.Paper;
using LLaDAV.Eval.Reports.Runs;

namespace LLaDAV.Eval.Reports.Tables;

/// <summary>
/// Builds a paper table (the LLaDA-V paper (arXiv:2505.16933) Tables 2, 3, 4) with one row per paper model and one per run. A run is compared
/// with the paper row named by its <c>--tag paper_model=...</c>, else the row of its model family (LLaDA-V,
/// LLaMA3-V); our values are converted to the paper's scale (lmms-eval fractions → the paper's percent).
/// </summary>
public static class ComparisonTableBuilder
{
    public const string PaperModelTag = "paper_model";

    public static readonly ImmutableDictionary<string, string> Titles = new Dictionary<string, string>
    {
        ["table2"] = "Table 2: multidisciplinary knowledge and mathematical reasoning",
        ["table3"] = "Table 3: chart, document, real-world, multi-image and video",
        ["table4"] = "Table 4: attention-mask ablation (LLaVA-NeXT data)",
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>table2|table3|table4|all → the table names, or a usage error naming the choices.</summary>
    public static ImmutableArray<string> Select(string choice) => choice switch
    {
        "all" => PaperReference.ScoreTables,
        _ when PaperReference.ScoreTables.Contains(choice) => [choice],
        _ => throw new ConfigException($"--paper '{choice}' is not a table. Use table2, table3, table4 or all."),
    };

    public static ComparisonTable Build(PaperReference paper, string table, IReadOnlyList<RunDirectory> runs)
    {
        ArgumentNullException.ThrowIfNull(paper);
        ArgumentNullException.ThrowIfNull(runs);
        var entries = paper.Table(table).ToList();
        var columns = entries.GroupBy(e => e.Column).Select(g => new TableColumn(g.Key, g.First().Task, g.First().Metric)).ToImmutableArray();
        var rows = ImmutableArray.CreateBuilder<TableRow>();
        foreach (var model in paper.Models(table))
        {
            rows.Add(new TableRow(model, true, null, [.. columns.Select(c => paper.Find(table, model, c.Name) is { } e ? new TableCell(null, e.Value, e.Decimals) : TableCell.Empty)]));
        }

        // Runs scored under different rule sets (--scoring current vs 2025) are not comparable cell by cell: say so
        // in each run's row label rather than refuse, since a table is often exactly that comparison (issue 17 §3).
        var mixedScoring = runs.Select(r => r.Scoring).Distinct(StringComparer.Ordinal).Count() > 1;
        var sampleTasks = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var wanted = run.Tags.GetValueOrDefault(PaperModelTag) ?? RunMetadata.Family(run);
            var reference = paper.Models(table).Contains(wanted) ? wanted : null;
            var cells = columns.Select(c =>
            {
                var any = entries.First(e => e.Column == c.Name);
                var refEntry = reference is null ? null : paper.Find(table, reference, c.Name);
                var ours = run.Score(c.Task, c.Metric) is { } v ? any.ToPaperScale(v) : (double?)null;
                return new TableCell(ours, refEntry?.Value, refEntry?.Decimals ?? Math.Max(1, any.Decimals));
            });
            // A run on the embedded sample (3-8 docs) has numbers, and deltas against the paper, that mean nothing
            // about the model: its row says so, and the table's note names the tasks.
            var sample = columns.Where(c => run.Score(c.Task, c.Metric) is not null && run.IsSample(c.Task)).Select(c => c.Task).ToList();
            sampleTasks.UnionWith(sample);
            var label = (mixedScoring ? $"{run.Label} (scoring {run.Scoring})" : run.Label) + (sample.Count > 0 ? " " + SampleData.Marker : "");
            rows.Add(new TableRow(label, false, reference, [.. cells]));
        }

        return new ComparisonTable(table, Titles.GetValueOrDefault(table, table), columns, rows.ToImmutable(), Transposed: table == "table4", Note: SampleData.Notice(sampleTasks));
    }
}
