using System.CommandLine;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval forward --model-path DIR --ids 1,2,3 [--device cpu] [--json]</c>: one forward of the language tower
/// (bidirectional for LLaDA, causal for LLaMA) over token ids; argmax and top-5 logits per position (<see cref="ForwardTool"/>).
/// </summary>
internal static class ForwardCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model-path") { Description = "Checkpoint folder (config.json + safetensors).", Required = true };
        var ids = new Option<string>("--ids") { Description = "Comma-separated token ids.", Required = true };
        var device = new Option<string>("--device") { Description = "cpu (default).", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string?>("--dtype") { Description = "fp32 (CPU default) or bf16 (GPU default; on the CPU: bf16 GEMMs with fp32 accumulation, needs AVX512-BF16 and libdnnl2)." };
        var json = new Option<bool>("--json") { Description = "Print {ids, argmax, top5} as JSON." };
        var command = new Command("forward", "Run the language tower on token ids and print argmax and top-5 logits per position.");
        command.Options.Add(modelPath);
        command.Options.Add(ids);
        command.Options.Add(device);
        command.Options.Add(dtype);
        command.Options.Add(json);
        command.SetAction((ParseResult r, CancellationToken ct) =>
        {
            try
            {
                r.InvocationConfiguration.Output.WriteLine(ForwardTool.Run(r.GetValue(modelPath)!, r.GetValue(ids)!, r.GetValue(json), r.GetValue(device)!, r.GetValue(dtype)));
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                r.InvocationConfiguration.Error.WriteLine(e.Message);
                return Task.FromResult(2);
            }
            catch (CheckpointException e)
            {
                r.InvocationConfiguration.Error.WriteLine($"Cannot load the checkpoint: {e.Message}");
                return Task.FromResult(3);
            }
        });

        return command;
    }
}
