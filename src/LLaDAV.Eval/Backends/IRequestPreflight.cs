using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Backends;

/// <summary>
/// Optional for a backend: checks, before a task starts, that it can answer every document (e.g. <c>replay</c>
/// has a response for each), so a bad input fails at once with a count rather than mid-run.
/// </summary>
public interface IRequestPreflight
{
    void Check(TaskName task, IReadOnlyCollection<DocId> docs);

    /// <summary>Refuses answers for documents the task's split does not have (ids outside 0..<paramref name="docCount"/>-1).</summary>
    void CheckKnown(TaskName task, int docCount)
    {
    }
}
