using System.Collections.Immutable;
using System.Globalization;
using CsvHelper;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Reports.Paper;

/// <summary>
/// The paper's published numbers, read from <c>results/paper/llada-v-paper.csv</c>: one row per number in long
/// form (table, column, model, setting, type, llm_tower, vision_tower, benchmark, split, task, metric, ours_scale,
/// paper_scale, value). Long form keeps tables with different columns (and Table 8's settings) in one file.
/// </summary>
public sealed class PaperReference
{
    /// <summary>The file's path relative to the repository root.</summary>
    public const string RelativePath = "results/paper/llada-v-paper.csv";

    /// <summary>The tables the <c>table</c> verb can print, in the paper's order.</summary>
    public static readonly ImmutableArray<string> ScoreTables = ["table2", "table3", "table4"];

    private static readonly string[] s_header =
        ["table", "column", "model", "setting", "type", "llm_tower", "vision_tower", "benchmark", "split", "task", "metric", "ours_scale", "paper_scale", "value"];

    public PaperReference(ImmutableArray<PaperEntry> entries)
    {
        Entries = entries;
    }

    public ImmutableArray<PaperEntry> Entries { get; }

    /// <summary>Loads the reference file from the repository root.</summary>
    public static PaperReference LoadFromRepository(string repositoryRoot) => Load(Path.Combine(repositoryRoot, RelativePath));

    public static PaperReference Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new DataException($"The paper's reference numbers are missing: {path} does not exist. Restore it from the repository (git checkout -- {RelativePath}).");
        }

        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    public static PaperReference Read(TextReader text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var csv = CsvReader.Create(text, new CsvReaderOptions { HasHeader = true, TrackLineNumbers = true }, leaveOpen: true);
        if (!s_header.SequenceEqual(csv.Headers))
        {
            throw new DataException($"{source}: the header must be {string.Join(",", s_header)}.");
        }

        var entries = ImmutableArray.CreateBuilder<PaperEntry>();
        while (csv.Read())
        {
            var line = csv.LineNumber;
            string F(string name) => csv.GetString(name);
            var valueText = F("value");
            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new DataException($"{source}:{line}: value '{valueText}' is not a number (leave the row out where the paper prints '-').");
            }

            var dot = valueText.IndexOf('.', StringComparison.Ordinal);
            entries.Add(new PaperEntry(
                F("table"), F("column"), F("model"), F("setting"), F("type"), F("llm_tower"), F("vision_tower"), F("benchmark"), F("split"),
                F("task"), F("metric"), MetricScales.Parse(F("ours_scale")), MetricScales.Parse(F("paper_scale")), value, dot < 0 ? 0 : valueText.Length - dot - 1));
        }

        return new PaperReference(entries.ToImmutable());
    }

    /// <summary>The entries of one table in file order.</summary>
    public IEnumerable<PaperEntry> Table(string table) => Entries.Where(e => e.Table == table);

    /// <summary>The columns of a table in the paper's order.</summary>
    public ImmutableArray<string> Columns(string table) => [.. Table(table).Select(e => e.Column).Distinct()];

    /// <summary>The models (rows) of a table in the paper's order.</summary>
    public ImmutableArray<string> Models(string table) => [.. Table(table).Select(e => e.Model).Distinct()];

    public PaperEntry? Find(string table, string model, string column) =>
        Table(table).FirstOrDefault(e => e.Model == model && e.Column == column);

    /// <summary>The paper's primary metric key for a task (e.g. <c>mmstar</c> → <c>average,none</c>), if the paper reports it.</summary>
    public string? PrimaryMetric(string task) =>
        Entries.Where(e => e.Task == task && e.Metric.Contains(',', StringComparison.Ordinal)).Select(e => e.Metric).FirstOrDefault();

    /// <summary>Any entry for a task and metric, to learn its scales.</summary>
    public PaperEntry? ForMetric(string task, string metric) => Entries.FirstOrDefault(e => e.Task == task && e.Metric == metric);
}
