using System.Text.Json.Nodes;
using LLaDAV.Eval.Metrics;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Tests.Running;

/// <summary>Small pieces of the runner with hand-checked values.</summary>
public sealed class RunningTests
{
    [Theory]
    [InlineData("<think>A?</think> B", "B")]
    [InlineData("no tags here  ", "no tags here")]
    [InlineData("stray reasoning</think>\n C", "C")] // only a closing tag: keep the text after it
    [InlineData("<analysis>x</analysis>D<think>y</think>", "D")]
    [InlineData("<think>unclosed B", "<think>unclosed B")] // reasoning.py: an unclosed opening tag passes through
    [InlineData("a</think>b<think>c", "a</think>b<think>c")] // the close precedes the open: find(end, start) = -1 → break; both present → no rsplit
    [InlineData("x</think>y</think> z", "z")] // closing tags only: the text after the last one
    [InlineData("<think>a</think>B<think>c</think>", "B")]
    public void Should_strip_reasoning_blocks(string response, string expected) =>
        Assert.Equal(expected, ResponseCleaner.Clean(response, RunConfig.DefaultReasoningTags));

    [Fact]
    public void Should_compute_the_mean_and_its_sample_stderr()
    {
        // [1, 0, 1, 1]: mean 0.75; Σ(x-μ)² = 3·0.0625 + 0.5625 = 0.75; s = √(0.75/3) = 0.5; s/√4 = 0.25.
        var agg = Aggregations.Mean([1.0, 0.0, 1.0, 1.0]);
        Assert.Equal(0.75, agg.Value);
        Assert.Equal(0.25, agg.Stderr!.Value, 12);
    }

    [Theory]
    [InlineData(100, null, 100)]
    [InlineData(100, 5.0, 5)]
    [InlineData(100, 0.05, 5)]
    [InlineData(10, 0.25, 3)] // ceil(2.5)
    [InlineData(3, 10.0, 3)]
    public void Should_apply_limit_as_lmms_eval(int original, double? limit, int expected) =>
        Assert.Equal(expected, TaskDocuments.Effective(original, limit));

    [Fact]
    public void Should_split_key_values_outside_brackets()
    {
        var kv = KeyValueList.Parse("until=[\"a,b\",\"c\"],max_new_tokens=8", "--gen-kwargs");
        Assert.Equal("[\"a,b\",\"c\"]", kv["until"]);
        Assert.Equal(new List<string> { "a,b", "c" }, KeyValueList.Typed(kv["until"]));
        Assert.Equal(8L, KeyValueList.Typed(kv["max_new_tokens"]));
    }

    [Fact]
    public void Should_give_shards_disjoint_strided_docs()
    {
        var a = ShardSpec.Parse("0/3");
        var b = ShardSpec.Parse("2/3");
        Assert.True(a.Owns(3));
        Assert.False(a.Owns(2));
        Assert.True(b.Owns(5));
        Assert.Throws<Errors.ConfigException>(() => ShardSpec.Parse("3/3"));
    }

    [Fact]
    public void Should_draw_doc_seeds_that_depend_only_on_seed_task_and_doc()
    {
        Assert.Equal(DocRandom.DocSeed(1, "t", 5), DocRandom.DocSeed(1, "t", 5));
        Assert.NotEqual(DocRandom.DocSeed(1, "t", 5), DocRandom.DocSeed(1, "t", 6));
        Assert.NotEqual(DocRandom.DocSeed(1, "t", 5), DocRandom.DocSeed(2, "t", 5));
        Assert.InRange(DocRandom.Index(DocRandom.DocSeed(1, "t", 5), "x", 4), 0, 3);
    }

    [Fact]
    public void Should_cut_a_torn_journal_line_and_keep_the_finished_ones()
    {
        var path = Path.GetTempFileName();
        try
        {
            // Entries carry what the results writer reads (records, usage, elapsed_ms); the journal checks that shape.
            const string Usage = "\"usage\":{\"prompt_tokens\":1,\"visual_tokens\":0,\"generated_tokens\":1,\"forward_passes\":1},\"elapsed_ms\":0";
            File.WriteAllText(path, $"{{\"doc_id\":0,\"records\":[],{Usage}}}\n{{\"doc_id\":1,\"records\":[],{Usage}}}\n{{\"doc_id\":2,\"rec");
            using (var journal = SampleJournal.Open(path))
            {
                Assert.Equal([0, 1], journal.Entries.Keys.Order());
                journal.Append(JsonNode.Parse($"{{\"doc_id\":2,\"records\":[],{Usage}}}")!.AsObject());
            }

            Assert.Equal(3, SampleJournal.Read(path).Count);

            Assert.Equal(3, File.ReadAllLines(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
