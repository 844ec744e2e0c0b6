using System.Collections.Immutable;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Tests.Tasks;

namespace LLaDAV.Eval.Tests.Hostile;

/// <summary>
/// Issue 23 §6, "a valid Parquet with the wrong schema": a file that parses but whose columns hold other types than
/// the task's dataset publishes (another dataset, another revision, a hand-edited export). Every built-in task's
/// hooks run over every column of its sample rows replaced by each value kind a Parquet, JSON or CSV reader yields
/// (integer, float, bool, text, empty text, null, bytes, list, struct). The rule (DESIGN: bad input is one clear
/// error): a hook either copes, or the run stops with a data error (exit 3) that names the file and the column —
/// never an internal error. The column the error must name is the one replaced: it is what the hook tripped over.
/// </summary>
public sealed class RowShapeCampaignTests
{
    /// <summary>The value kinds of <see cref="Doc"/>'s contract (its summary lists them), one of each.</summary>
    private static readonly ImmutableArray<(string Kind, object? Value)> s_values =
    [
        ("integer", 42L),
        ("float", 3.5),
        ("bool", true),
        ("text", "zz"),
        ("empty text", ""),
        ("null", null),
        ("bytes", new byte[] { 1, 2, 3 }),
        ("list of integers", new List<object?> { 1L, 2L }),
        ("empty list", new List<object?>()),
        ("struct", new Dictionary<string, object?>(StringComparer.Ordinal) { ["a"] = 1L }),
    ];

    public static TheoryData<string> Tasks() => [.. TaskSamples.Catalog.Tasks.Values
        .Where(t => HasSample(t))
        .Select(t => t.Name)
        .Order(StringComparer.Ordinal)];

    private static bool HasSample(TaskDefinition task) =>
        Directory.Exists(Path.Combine(task.Spec.Directory, "sample"));

    [Theory]
    [MemberData(nameof(Tasks))]
    public void Every_column_of_the_wrong_type_is_coped_with_or_named(string taskName)
    {
        var task = TaskSamples.Task(taskName);
        var docs = TaskSamples.Docs(taskName).Take(2).ToList();
        Assert.NotEmpty(docs);
        var kwargs = PromptKwargsResolver.Resolve(task.Spec.SpecificKwargs, "default");
        var failures = new List<string>();
        var cases = 0;
        foreach (var doc in docs)
        {
            foreach (var column in doc.Keys.ToList())
            {
                foreach (var (kind, value) in s_values)
                {
                    cases++;
                    var bad = doc.With(column, value);
                    try
                    {
                        RunHooks(task, bad, kwargs);
                    }
                    catch (EvalException e) when (e is DataException or ConfigException)
                    {
                        if (e is DataRowException row && (!row.ColumnsRead.Contains(column) || !e.Message.Contains(doc.SourceFile, StringComparison.Ordinal) || !e.Message.Contains($"'{column}'", StringComparison.Ordinal)))
                        {
                            failures.Add($"{column} as {kind}: the error names neither the file nor the column: {e.Message}");
                        }
                    }
                    catch (Exception e) when (e is Media.MediaException)
                    {
                        // A user error too (the CLI exits 3 with its message).
                    }
                    catch (Exception e)
                    {
                        failures.Add($"{column} as {kind}: {e.GetType().Name}: {e.Message}");
                    }
                }
            }
        }

        Assert.True(cases > 0);
        Assert.True(failures.Count == 0, $"{taskName}: {failures.Count} of {cases} cases ended in an internal error:\n" + string.Join("\n", failures.Take(40)));
    }

    /// <summary>What a run does with a row: prompt, target, visuals, then each filter and process_results.</summary>
    private static void RunHooks(TaskDefinition task, Doc doc, PromptKwargs kwargs)
    {
        _ = task.DocToText(doc, kwargs);
        _ = task.DocToTarget(doc);
        try
        {
            _ = task.DocToVisual(doc, kwargs);
        }
        catch (MissingMediaException)
        {
            // Per sample, skippable: not this campaign's subject.
        }

        var context = new ScoringContext(task.Name, 0, DocRandom.DocSeed(0, task.Name, 0), ScoringRules.Current, null) { Kwargs = kwargs };
        foreach (var response in new[] { "A", "The answer is 12.", "" })
        {
            foreach (var filter in task.Filters.IsEmpty ? [new ResolvedFilter("none", [])] : task.Filters)
            {
                _ = task.ProcessResults(doc, filter.Apply(response, doc), context);
            }
        }
    }
}
