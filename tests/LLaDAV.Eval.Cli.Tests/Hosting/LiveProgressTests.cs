using LLaDAV.Eval.Cli.Hosting;
using Spectre.Console;

namespace LLaDAV.Eval.Cli.Tests.Hosting;

/// <summary>
/// Issue 26: on a terminal a new task's bar label hung ~45 columns to the right until its first doc (Spectre
/// right-aligns task descriptions, and the label was the bare task name beside the others' long ones), and a
/// second ETA (Spectre's RemainingTimeColumn, hh:mm:ss) sat beside ours.
/// </summary>
public sealed class LiveProgressTests
{
    [Fact]
    public void A_new_tasks_label_has_its_full_form_before_the_first_doc()
    {
        var label = LiveObserver.Label("mmstar", new TaskProgress(6, 0));
        Assert.StartsWith("mmstar 0/6 docs, 0 docs/s, 0 tok/s, ETA -", label, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_are_left_aligned_and_there_is_one_eta()
    {
        var columns = LiveObserver.Columns();
        Assert.Equal(Justify.Left, Assert.IsType<TaskDescriptionColumn>(columns[0]).Alignment);
        Assert.DoesNotContain(columns, c => c is RemainingTimeColumn or ElapsedTimeColumn);
    }
}
