using LLaDAV.Eval.Data;
using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Running;

/// <summary>Progress of a run, for the terminal (docs/ARCHITECTURE.md §5). Called from the runner's thread only.</summary>
public interface IRunObserver
{
    void RunStarted(string runDirectory, bool resumed);

    /// <summary>The model's compute device, once it is open (not called for backends without one, e.g. replay).</summary>
    void DeviceOpened(Models.Backends.ComputeDeviceInfo device)
    {
    }

    void TaskStarted(string task, int total, int alreadyDone, DatasetLocation data);

    void SamplesFinished(string task, int count, TokenUsage usage, TimeSpan elapsed);

    void TaskFinished(string task);

    void Warning(string message);

    /// <summary>
    /// The judge waits, retries, fails or gives up (issue 14 §3: a slow or dead judge is visible). Unlike the
    /// other methods this may be called from a timer thread (a wait is noticed while the request hangs).
    /// </summary>
    void Judge(Judging.JudgeEvent judgeEvent)
    {
    }

    /// <summary>A video task's media archives are being unpacked into <c>$HF_HOME/&lt;cache_dir&gt;</c> before the run.</summary>
    void MediaExtraction(Data.Hub.ExtractionProgress progress)
    {
    }

    /// <summary>A missing dataset is being downloaded from the Hub before the run (issue 30); may come from several threads.</summary>
    void Download(Data.Hub.HubTransferProgress progress)
    {
    }
}

/// <summary>An observer that ignores everything (library use, tests).</summary>
public sealed class SilentObserver : IRunObserver
{
    public static SilentObserver Instance { get; } = new();

    public void RunStarted(string runDirectory, bool resumed)
    {
    }

    public void TaskStarted(string task, int total, int alreadyDone, DatasetLocation data)
    {
    }

    public void SamplesFinished(string task, int count, TokenUsage usage, TimeSpan elapsed)
    {
    }

    public void TaskFinished(string task)
    {
    }

    public void Warning(string message)
    {
    }
}
