using System.Diagnostics;
using System.Globalization;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Scaling;
using Spectre.Console;

namespace LLaDAV.Eval.Cli.Hosting;

/// <summary>Per-task counters shared by both progress views: done/total, generated tokens, elapsed, rate and ETA.</summary>
internal sealed class TaskProgress(int total, int done)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly int _startDone = done;

    public int Total { get; } = total;

    public int Done { get; private set; } = done;

    public long GeneratedTokens { get; private set; }

    public void Add(int count, TokenUsage usage)
    {
        Done += count;
        GeneratedTokens += usage.GeneratedTokens;
    }

    public string Describe()
    {
        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
        var newDocs = Done - _startDone;
        var eta = newDocs > 0 ? (Total - Done) * seconds / newDocs : (double?)null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Done}/{Total} docs, {newDocs / seconds:0.##} docs/s, {GeneratedTokens / seconds:0.#} tok/s, ETA {EtaText.Format(eta)}");
    }
}

/// <summary>Plain progress lines, for logs and CI (output not a terminal): a line per task start, every 10% and at the end.</summary>
internal sealed class PlainObserver(TextWriter output) : IRunObserver
{
    private readonly Dictionary<string, TaskProgress> _tasks = [];

    public void RunStarted(string runDirectory, bool resumed) =>
        output.WriteLine($"{(resumed ? "Resuming" : "Writing")} run directory {runDirectory}");

    public void DeviceOpened(ComputeDeviceInfo device) => output.WriteLine(DeviceLine(device));

    /// <summary>The device line: the backend's own description; on the emulated CUDA device, what its times are.</summary>
    internal static string DeviceLine(ComputeDeviceInfo device) =>
        $"Device: {device.Description}{(device.Emulated ? " — an emulated device: kernels run on the CPU, and its times are CPU emulation times, not GPU timings" : "")}";

    public void TaskStarted(string task, int total, int alreadyDone, DatasetLocation data)
    {
        _tasks[task] = new TaskProgress(total, alreadyDone);
        output.WriteLine(Data(task, total, alreadyDone, data));
    }

    public void SamplesFinished(string task, int count, TokenUsage usage, TimeSpan elapsed)
    {
        var p = _tasks[task];
        var before = p.Done * 10 / Math.Max(p.Total, 1);
        p.Add(count, usage);
        if (p.Done * 10 / Math.Max(p.Total, 1) != before && p.Done < p.Total)
        {
            output.WriteLine($"[{task}] {p.Describe()}");
        }
    }

    public void TaskFinished(string task) => output.WriteLine($"[{task}] done: {_tasks[task].Describe()}");

    public void Warning(string message) => output.WriteLine($"warning: {message}");

    /// <summary>Every judge wait, retry and failure is a line: a hung judge is visible within seconds in a log.</summary>
    public void Judge(Eval.Judging.JudgeEvent judgeEvent)
    {
        lock (output)
        {
            output.WriteLine($"judge: {judgeEvent.Message}");
        }
    }

    internal static string Data(string task, int total, int alreadyDone, DatasetLocation data) =>
        $"[{task}] {total} docs{(alreadyDone > 0 ? $" ({alreadyDone} already done)" : "")} from " +
        (data.Source == DatasetSource.Sample
            ? $"the embedded SAMPLE data ({data.Root}); for the real benchmark download {data.RepoId} (./lladav-eval data --tasks {task} says how)"
            : $"{data.RepoId}{(data.Revision is null ? "" : "@" + data.Revision)}{(data.Commit is { Length: >= 7 } c ? $" ({c[..7]})" : "")} at {data.Root}");

    /// <summary>A line per archive and every 10% of the bytes: unpacking Video-MME's 100 GB shows it is alive.</summary>
    public void MediaExtraction(Eval.Data.Hub.ExtractionProgress progress)
    {
        var tenth = progress.Total == 0 ? 10 : progress.Done * 10 / progress.Total;
        if (progress.Archive != _lastArchive || tenth != _lastTenth)
        {
            _lastArchive = progress.Archive;
            _lastTenth = tenth;
            output.WriteLine(progress.Archive.Length == 0
                ? $"[{progress.Task}] media ready in {progress.Target}"
                : string.Create(CultureInfo.InvariantCulture, $"[{progress.Task}] extracting {progress.Archive} into {progress.Target}: {tenth * 10}% of {progress.Total / 1048576.0:0.#} MiB"));
        }
    }

    private string? _lastArchive;
    private long _lastTenth = -1;

    private readonly DownloadProgressLine _download = DownloadProgressLine.ForStandardError();

    /// <summary>A missing dataset being fetched before the run: the one download line on stderr.</summary>
    public void Download(Eval.Data.Hub.HubTransferProgress progress) => _download.Report(progress);
}

/// <summary>Live Spectre.Console progress bars on an interactive terminal.</summary>
internal sealed class LiveObserver(ProgressContext context) : IRunObserver
{
    private readonly Dictionary<string, (ProgressTask Bar, TaskProgress Counts)> _tasks = [];

    public void RunStarted(string runDirectory, bool resumed) =>
        AnsiConsole.MarkupLineInterpolated($"{(resumed ? "Resuming" : "Writing")} run directory [blue]{runDirectory}[/]");

    public void DeviceOpened(ComputeDeviceInfo device) => AnsiConsole.MarkupLineInterpolated($"[grey]{PlainObserver.DeviceLine(device)}[/]");

    public void TaskStarted(string task, int total, int alreadyDone, DatasetLocation data)
    {
        AnsiConsole.MarkupLineInterpolated($"[grey]{PlainObserver.Data(task, total, alreadyDone, data)}[/]");
        // The label has its full form from the start ("task 0/N docs, ..., ETA -"): a bare task name would stand alone,
        // right-aligned by Spectre under the other bars' long labels, until the first doc finished.
        var counts = new TaskProgress(total, alreadyDone);
        var bar = context.AddTask(Label(task, counts), maxValue: Math.Max(total, 1));
        bar.Value = alreadyDone;
        _tasks[task] = (bar, counts);
    }

    public void SamplesFinished(string task, int count, TokenUsage usage, TimeSpan elapsed)
    {
        var (bar, counts) = _tasks[task];
        counts.Add(count, usage);
        bar.Value = counts.Done;
        bar.Description = Label(task, counts);
    }

    /// <summary>The bar's label: the task and its counters, markup-escaped.</summary>
    internal static string Label(string task, TaskProgress counts) => Markup.Escape($"{task} {counts.Describe()}");

    /// <summary>
    /// The bars' columns: the label left-aligned (Spectre right-aligns it by default, so a short label hangs far
    /// from the margin), bar, percentage, spinner. No RemainingTimeColumn: the label carries the one ETA, in
    /// <see cref="EtaText"/>'s format, and only once a doc is done.
    /// </summary>
    internal static ProgressColumn[] Columns() =>
        [new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn()];

    public void TaskFinished(string task)
    {
        var (bar, _) = _tasks[task];
        bar.Value = bar.MaxValue;
        bar.StopTask();
    }

    public void Warning(string message) => AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {message}");

    /// <summary>Judge waits and failures above the bars (Spectre's live display is thread-safe for this).</summary>
    public void Judge(Eval.Judging.JudgeEvent judgeEvent) =>
        AnsiConsole.MarkupLineInterpolated($"[{(judgeEvent.Kind == Eval.Judging.JudgeEventKind.Waiting ? "grey" : "yellow")}]judge:[/] {judgeEvent.Message}");

    /// <summary>One bar per repository being downloaded (bytes of its files), labelled with the transfer's rate and ETA.</summary>
    public void Download(Eval.Data.Hub.HubTransferProgress progress)
    {
        lock (_tasks)
        {
            var key = "download:" + progress.Label;
            if (!_tasks.TryGetValue(key, out var entry))
            {
                entry = (context.AddTask(Markup.Escape($"downloading {progress.Label}"), maxValue: Math.Max(progress.Total, 1)), new TaskProgress(0, 0));
                _tasks[key] = entry;
            }

            entry.Bar.MaxValue = Math.Max(progress.Total, 1);
            entry.Bar.Value = progress.Done;
            entry.Bar.Description = Markup.Escape($"downloading {progress.Label}: {progress.Describe()}");
            if (progress.Finished)
            {
                entry.Bar.StopTask();
            }
        }
    }

    /// <summary>One bar for the media of a task being unpacked (bytes of the archives read).</summary>
    public void MediaExtraction(Eval.Data.Hub.ExtractionProgress progress)
    {
        var key = "media:" + progress.Task;
        if (!_tasks.TryGetValue(key, out var entry))
        {
            entry = (context.AddTask($"{progress.Task}: unpacking media into {progress.Target}", maxValue: Math.Max(progress.Total, 1)), new TaskProgress(0, 0));
            _tasks[key] = entry;
        }

        entry.Bar.Value = progress.Done;
        if (progress.Archive.Length == 0)
        {
            entry.Bar.StopTask();
        }
    }
}
