using System.Text.Json.Nodes;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>
/// A run over a Parquet split laid out like the real HF repo (issue 3): the MMMU-shaped fixture written by an
/// independent writer (tests/LLaDAV.Eval.Parquet.Tests/Fixtures/make-fixtures.cjs, SNAPPY, inline image structs)
/// placed at data-dir/lmms-lab-encoder/MMMU/data/validation-00000-of-00001.parquet.
/// </summary>
public sealed class ParquetRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lladav-pq-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Should_evaluate_mmmu_from_a_parquet_split_under_the_new_org_name()
    {
        var fixtures = Path.Combine(TestPaths.RepoRoot, "tests", "LLaDAV.Eval.Parquet.Tests", "Fixtures");
        var split = Directory.CreateDirectory(Path.Combine(_dir, "data", "lmms-lab-encoder", "MMMU", "data")).FullName;
        File.Copy(Path.Combine(fixtures, "mmmu.snappy.parquet"), Path.Combine(split, "validation-00000-of-00001.parquet"));

        // Answer "(A)" everywhere. From mmmu.expected.json: the multiple-choice docs whose answer is A are
        // validation_Art_1, _9, _13 and _17 → correct. The open docs (_5, _10, _15, _20) parse "(a)" as the text
        // "(a)", which holds neither " x" nor "x " of their one-letter golds → wrong. 4 / 20 = 0.2.
        var responses = Path.Combine(_dir, "responses.jsonl");
        File.WriteAllLines(responses, Enumerable.Range(0, 20).Select(i => $"{{\"task\":\"mmmu_val\",\"doc_id\":{i},\"response\":\"(A)\"}}"));
        var (code, output, error) = await Cli.RunAsync(Cli.ReplayArgs(
            _dir, "pq", "--tasks", "mmmu_val", "--data-dir", Path.Combine(_dir, "data"), "--model-args", $"responses={responses}"));
        Assert.True(code == 0, output + error);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "replay", "pq", "results.json")))!;
        Assert.Equal(0.2, (double)results["results"]!["mmmu_val"]!["mmmu_acc,none"]!, 12);
        Assert.Equal("real", (string)results["lladav_eval"]!["data_source"]!["mmmu_val"]!);
        Assert.Equal(20, (int)results["n-samples"]!["mmmu_val"]!["original"]!);
        // No card here: datasets' sharded default pattern (data/{split}-NNNNN-of-NNNNN*) finds the split.
        Assert.Contains("lmms-lab-encoder/MMMU at " + Path.Combine(_dir, "data", "lmms-lab-encoder", "MMMU"), output, StringComparison.Ordinal);
    }
}
