using System.CommandLine;
using LLaDAV.Eval.Models.Language;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval forward --model-path DIR (--ids 1,2,3 | --ids-file F) [--device cpu] [--json] [--logits-out F]</c>:
/// one forward of the language tower (bidirectional for LLaDA, causal for LLaMA) over token ids; argmax and top-5
/// logits per position, or every logit as raw float32 (<see cref="ForwardTool"/>).
/// </summary>
internal static class ForwardCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model-path") { Description = "Checkpoint folder (config.json + safetensors).", Required = true };
        var ids = new Option<string?>("--ids") { Description = "Comma-separated token ids." };
        var idsFile = new Option<string?>("--ids-file") { Description = "A file of token ids separated by commas or white space." };
        var device = new Option<string>("--device") { Description = "cpu (default) or cuda[:N].", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string?>("--dtype") { Description = "fp32 (CPU default) or bf16 (GPU default; on the CPU: bf16 GEMMs with fp32 accumulation, needs AVX512-BF16 and libdnnl2)." };
        var json = new Option<bool>("--json") { Description = "Print {ids, argmax, top5} as JSON." };
        var logitsOut = new Option<string?>("--logits-out") { Description = "Write all logits as raw little-endian float32 [positions, vocab] to this file (instead of the summary)." };
        var command = new Command("forward", "Run the language tower on token ids and print argmax and top-5 logits per position.");
        foreach (var o in new Option[] { modelPath, ids, idsFile, device, dtype, json, logitsOut, Hosting.CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        command.SetAction((ParseResult r, CancellationToken ct) => Hosting.CliHost.GuardToolAsync(r, output =>
        {
            var request = new ForwardToolRequest(r.GetValue(modelPath)!, r.GetValue(ids), r.GetValue(idsFile), r.GetValue(json), r.GetValue(device)!, r.GetValue(logitsOut), r.GetValue(dtype));
            output.WriteLine(ForwardTool.Run(request));
            return 0;
        }));

        return command;
    }
}
