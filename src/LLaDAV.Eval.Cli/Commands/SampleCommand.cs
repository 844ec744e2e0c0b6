using System.CommandLine;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Sampling;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval sample --model-path DIR (--ids 1,2,3 | --ids-file F) --gen-length N [--steps N] [--block-length N]
/// [--cache none|prefix|dual] [--refresh N] [--no-kv-cache] [--device D]</c>: greedy generation from token ids with
/// the language tower alone (<see cref="SampleTool"/>), for cross-checks against another implementation.
/// </summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model-path") { Description = "Checkpoint folder (config.json + safetensors).", Required = true };
        var ids = new Option<string?>("--ids") { Description = "Comma-separated prompt token ids." };
        var idsFile = new Option<string?>("--ids-file") { Description = "A file of prompt token ids separated by commas or white space." };
        var device = new Option<string>("--device") { Description = "cpu (default) or cuda[:N].", DefaultValueFactory = _ => "cpu" };
        var genLength = new Option<int>("--gen-length") { Description = "Tokens to generate.", Required = true };
        var steps = new Option<int?>("--steps") { Description = "Diffusion steps (default: gen length)." };
        var block = new Option<int?>("--block-length") { Description = "Diffusion block length (default: gen length, one block)." };
        var cache = new Option<string>("--cache") { Description = "Fast-dLLM cache for diffusion: none, prefix or dual.", DefaultValueFactory = _ => "none" };
        var refresh = new Option<int?>("--refresh") { Description = "Cache refresh interval r (steps)." };
        var noKv = new Option<bool>("--no-kv-cache") { Description = "Causal models: recompute the whole sequence per token." };
        var command = new Command("sample", "Generate greedily from token ids with a language tower alone (no template, tokenizer or vision); prints JSON.");
        foreach (var o in new Option[] { modelPath, ids, idsFile, device, genLength, steps, block, cache, refresh, noKv, Hosting.CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        command.SetAction((ParseResult r, CancellationToken ct) => Hosting.CliHost.GuardToolAsync(r, output =>
        {
            {
                var mode = r.GetValue(cache) switch
                {
                    "none" => CacheMode.None,
                    "prefix" => CacheMode.Prefix,
                    "dual" => CacheMode.Dual,
                    var other => throw new ArgumentException($"--cache {other} is not one of none, prefix, dual."),
                };
                var request = new SampleToolRequest(
                    r.GetValue(modelPath)!, r.GetValue(ids), r.GetValue(idsFile), r.GetValue(device)!, r.GetValue(genLength),
                    r.GetValue(steps), r.GetValue(block), mode, r.GetValue(refresh), r.GetValue(noKv));
                output.WriteLine(SampleTool.Run(request));
                return 0;
            }
        }));

        return command;
    }
}
