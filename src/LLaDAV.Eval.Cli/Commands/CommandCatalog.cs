using System.CommandLine;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// Every verb of <c>lladav-eval</c>, registered explicitly (docs/ARCHITECTURE.md §9). Each verb lives in its own
/// <c>*Command.cs</c> file with a static <c>Create()</c>.
/// </summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        RunCommand.Create(),
        TasksCommand.Create(),
        DataCommand.Create(),
        ValidateCommand.Create(),
        MergeCommand.Create(),
        LaunchCommand.Create(),
        SubmitCommand.Create(),
        StatusCommand.Create(),
        TokenizeCommand.Create(),
        RenderCommand.Create(),
        GenerateCommand.Create(),
        ForwardCommand.Create(),
        SampleCommand.Create(),
        BenchCommand.Create(),
        SelftestCommand.Create(),
        TableCommand.Create(),
        CompareCommand.Create(),
        PlotCommand.Create(),
        SweepCommand.Create(),
        ReportCommand.Create(),
        DoctorCommand.Create(),
        ServeCommand.Create(),
    ];
}
