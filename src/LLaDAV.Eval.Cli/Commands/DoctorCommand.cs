using System.CommandLine;
using LLaDAV.Eval.Cli.Doctor;
using LLaDAV.Eval.Cli.Hosting;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval doctor</c>: every system library and program the tool can use, found (path, version) or missing,
/// with its Debian package and the feature that needs it; exit 3 when the CPU path lacks something, so a fresh
/// machine learns what to install before a run fails halfway.
/// </summary>
internal static class DoctorCommand
{
    private static readonly Option<bool> s_json = new("--json") { Description = "Print the report as JSON." };

    public static Command Create()
    {
        var command = new Command("doctor", "List the system libraries and programs lladav-eval can use (ffmpeg, libzstd, OpenBLAS, oneDNN, CUDA, Slurm): found or missing, the Debian package and the feature needing each. Exit 3 when one the CPU path needs is missing.");
        command.Options.Add(s_json);
        command.Options.Add(CliHost.Verbose);
        command.SetAction((parse, _) => CliHost.GuardAsync(parse, async output =>
        {
            var report = DoctorReport.Build(DependencyCatalog.All, new SystemProbe());
            await (parse.GetValue(s_json) ? report.WriteJsonAsync(output) : report.WriteTextAsync(output)).ConfigureAwait(false);
            return report.ExitCode;
        }));
        return command;
    }
}
