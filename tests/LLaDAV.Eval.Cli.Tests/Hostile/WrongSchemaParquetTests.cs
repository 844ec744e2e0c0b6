using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Hostile;

/// <summary>
/// Issue 23 §6: "a valid Parquet with the wrong schema still ends in internal error (exit 70), one variant naming
/// neither file nor column". The fixtures (Fixtures/make-wrong-schema.cjs, DuckDB) are the MMStar sample with one
/// column retyped against Lin-Chen/MMStar's card; placed as a <c>--data-dir</c> copy, as a user's export would be.
/// </summary>
public sealed class WrongSchemaParquetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lladav-schema-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string DataDir(string fixture)
    {
        var dataset = Directory.CreateDirectory(Path.Combine(_dir, fixture, "Lin-Chen", "MMStar")).FullName;
        File.Copy(Path.Combine(TestPaths.SampleSnapshot("mmstar", "Lin-Chen/MMStar"), "README.md"), Path.Combine(dataset, "README.md"));
        File.Copy(Path.Combine(TestPaths.RepoRoot, "tests", "LLaDAV.Eval.Cli.Tests", "Hostile", "Fixtures", fixture + ".parquet"), Path.Combine(dataset, "mmstar.parquet"));
        return Path.Combine(_dir, fixture);
    }

    [Fact]
    public async Task A_list_where_the_card_has_an_integer_is_a_data_error_naming_file_and_column()
    {
        var data = DataDir("mmstar-index-list");
        var (code, _, error) = await Cli.RunAsync(Cli.ReplayArgs(Path.Combine(_dir, "out"), "r", "--tasks", "mmstar", "--data-dir", data));

        Assert.Equal(3, code);
        Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(data, "Lin-Chen", "MMStar", "mmstar.parquet"), error, StringComparison.Ordinal);

        // The column the hook tripped over comes first (the cast error quotes its .NET type), with what it holds.
        Assert.Contains("column 'index' (a list of 2)", error, StringComparison.Ordinal);
        Assert.Contains("Lin-Chen/MMStar", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A float where the card has the answer letter is coped with, as lmms-eval copes (its mmstar process_results
    /// compares <c>doc["answer"]</c> as given): no doc's gold "3.5" matches an extracted letter, so every doc is 0.
    /// </summary>
    [Fact]
    public async Task A_float_answer_is_scored_as_given_not_a_crash()
    {
        var data = DataDir("mmstar-answer-double");
        var (code, output, error) = await Cli.RunAsync(Cli.ReplayArgs(Path.Combine(_dir, "out"), "r", "--tasks", "mmstar", "--data-dir", data));

        Assert.True(code == 0, error);
        var results = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "out", "replay", "r", "results.json")))!;
        Assert.Equal(0.0, (double)results["results"]!["mmstar"]!["average,none"]!);
        Assert.Contains("mmstar", output, StringComparison.Ordinal);
    }
}
