using System.CommandLine;
using LLaDAV.Eval.Models.Tensors.Cuda.Selftest;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval selftest [--device cuda[:N]] [--model-reference DIR]</c>: checks a compute device against the CPU
/// backend (<see cref="DeviceSelftest"/>): the NVRTC compile of every kernel, every op on random inputs with its max
/// abs/rel error and tolerance, and generation with both tiny reference checkpoints. Exit 0 when everything passes,
/// 1 when a check fails, 3 when the device is unavailable (e.g. "no CUDA device").
/// </summary>
internal static class SelftestCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device")
        {
            Description = "Device to check: cuda, cuda:N (or cpu-managed, to check the harness itself).",
            DefaultValueFactory = _ => "cuda",
        };
        var reference = new Option<string?>("--model-reference")
        {
            Description = "Folder with tiny-lladav/, tiny-llama3v/ and image.png (default: tests/testdata/model-reference of the repository).",
        };
        var command = new Command("selftest", "Check a compute device against the CPU backend: kernel compile, every op, reference checkpoints.");
        command.Options.Add(device);
        command.Options.Add(reference);
        command.Options.Add(Hosting.CliHost.Verbose);
        command.SetAction((ParseResult r, CancellationToken ct) => Hosting.CliHost.GuardToolAsync(r, output => DeviceSelftest.Run(r.GetValue(device)!, r.GetValue(reference), output)));

        return command;
    }
}
