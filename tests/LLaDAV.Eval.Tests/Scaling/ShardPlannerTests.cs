using LLaDAV.Eval.Scaling;

namespace LLaDAV.Eval.Tests.Scaling;

public sealed class ShardPlannerTests
{
    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 3)]
    [InlineData(7, 3)]
    [InlineData(7, 12)]
    [InlineData(100, 7)]
    public void Should_count_the_docs_a_strided_shard_owns(int docs, int count)
    {
        // Independent of the closed form: enumerate i mod N == K (ShardSpec's rule).
        for (var k = 0; k < count; k++)
        {
            Assert.Equal(Enumerable.Range(0, docs).Count(i => i % count == k), ShardPlanner.Owned(docs, k, count));
        }
    }

    [Fact]
    public void Should_hand_out_the_costliest_shards_first()
    {
        // Hand-computed: 7 long docs (cost 49) and 7 short ones (cost 3) over N = 3 strided shards:
        // shard 0 owns docs 0, 3, 6 of each task (3 × 52 = 156), shards 1 and 2 own two of each (104).
        var work = new[] { new TaskWork("long", 7, 49), new TaskWork("short", 7, 3) };
        var plan = ShardPlanner.ForCount(work, 3);
        Assert.Equal([156.0, 104.0, 104.0], plan.Costs.ToArray());
        Assert.Equal([0, 1, 2], plan.Order.ToArray());

        // A task with more docs in later shards: 2 docs of cost 10 (shards 0, 1) and 4 of cost 1 over N = 4.
        plan = ShardPlanner.ForCount([new TaskWork("a", 2, 10), new TaskWork("b", 4, 1)], 4);
        Assert.Equal([11.0, 11.0, 1.0, 1.0], plan.Costs.ToArray());
        Assert.Equal([0, 1, 2, 3], plan.Order.ToArray());
        plan = ShardPlanner.ForCount([new TaskWork("a", 4, 1), new TaskWork("b", 3, 5)], 4);
        Assert.Equal([6.0, 6.0, 6.0, 1.0], plan.Costs.ToArray());
        Assert.Equal(3, plan.Order[^1]);
    }

    [Fact]
    public void Should_use_k_shards_per_worker_but_no_empty_shards()
    {
        Assert.Equal(12, ShardPlanner.Plan([new TaskWork("t", 100, 1)], 3, 4).Count);
        // The largest task has 7 docs: more than 7 shards would leave shards with nothing to do.
        Assert.Equal(7, ShardPlanner.Plan([new TaskWork("t", 7, 1), new TaskWork("u", 2, 1)], 3, 4).Count);
    }

    [Fact]
    public void Should_read_slurm_array_task_ids_as_sacct_and_squeue_print_them()
    {
        var states = new Dictionary<int, string>();
        LLaDAV.Eval.Scaling.Slurm.AddTasks(states, "41_3", "RUNNING");
        LLaDAV.Eval.Scaling.Slurm.AddTasks(states, "41_[5-7,9%2]", "PENDING");
        LLaDAV.Eval.Scaling.Slurm.AddTasks(states, "41", "PENDING");
        Assert.Equal(["RUNNING", "PENDING", "PENDING", "PENDING", "PENDING"], states.OrderBy(kv => kv.Key).Select(kv => kv.Value));
        Assert.Equal([3, 5, 6, 7, 9], states.Keys.Order());
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("responses=/a/*/b.jsonl", "'responses=/a/*/b.jsonl'")]
    [InlineData("it's $HOME", "'it'\\''s $HOME'")]
    [InlineData("", "''")]
    public void Should_quote_shell_words_so_bash_reads_them_back(string word, string quoted)
    {
        Assert.Equal(quoted, SlurmScripts.Quote(word));
        var echo = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", "printf %s " + quoted]) { RedirectStandardOutput = true })!;
        var back = echo.StandardOutput.ReadToEnd();
        echo.WaitForExit();
        Assert.Equal(word, back);
    }
}
