using System.CommandLine;
using System.Globalization;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Bench;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval bench [--hidden N] [--layers N] [--prompt N] [--gen N] [--refresh 2,4,...] [--repeats N] [--device cpu|cpu-managed]</c>:
/// engine throughput ratios measured in one run (<see cref="EngineBenchmark"/>).
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var d = new EngineBenchmarkOptions();
        var hidden = new Option<int>("--hidden") { Description = "Hidden size of the random model.", DefaultValueFactory = _ => d.Hidden };
        var layers = new Option<int>("--layers") { Description = "Layers.", DefaultValueFactory = _ => d.Layers };
        var heads = new Option<int>("--heads") { Description = "Attention heads (LLaMA uses heads/4 KV heads).", DefaultValueFactory = _ => d.Heads };
        var ffn = new Option<int>("--ffn") { Description = "MLP intermediate size.", DefaultValueFactory = _ => d.Intermediate };
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size.", DefaultValueFactory = _ => d.Vocab };
        var prompt = new Option<int>("--prompt") { Description = "Prompt tokens.", DefaultValueFactory = _ => d.PromptTokens };
        var gen = new Option<int>("--gen") { Description = "Generated tokens (diffusion: one block, steps = gen).", DefaultValueFactory = _ => d.GenLength };
        var refresh = new Option<string>("--refresh") { Description = "Prefix-cache refresh intervals r.", DefaultValueFactory = _ => string.Join(',', d.RefreshIntervals) };
        var repeats = new Option<int>("--repeats") { Description = "Runs per configuration; the fastest counts.", DefaultValueFactory = _ => d.Repeats };
        var device = new Option<string>("--device") { Description = "cpu (OpenBLAS when present) or cpu-managed.", DefaultValueFactory = _ => "cpu" };
        var command = new Command("bench", "Measure engine throughput: forward vs sgemm GFLOP/s, diffusion with/without prefix cache, AR with/without KV cache.");
        foreach (var o in new Option[] { hidden, layers, heads, ffn, vocab, prompt, gen, refresh, repeats, device })
        {
            command.Options.Add(o);
        }

        command.SetAction((ParseResult r, CancellationToken ct) =>
        {
            try
            {
                var options = new EngineBenchmarkOptions
                {
                    Hidden = r.GetValue(hidden),
                    Layers = r.GetValue(layers),
                    Heads = r.GetValue(heads),
                    Intermediate = r.GetValue(ffn),
                    Vocab = r.GetValue(vocab),
                    PromptTokens = r.GetValue(prompt),
                    GenLength = r.GetValue(gen),
                    RefreshIntervals = [.. r.GetValue(refresh)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))],
                    Device = r.GetValue(device)!,
                    Repeats = r.GetValue(repeats),
                };
                using var backend = ComputeDevices.Create(options.Device);
                var error = r.InvocationConfiguration.Error;
                var report = EngineBenchmark.Run(options, backend, m => error.WriteLine(m));
                r.InvocationConfiguration.Output.Write(report.ToText());
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or NotSupportedException)
            {
                r.InvocationConfiguration.Error.WriteLine(e.Message);
                return Task.FromResult(2);
            }
        });

        return command;
    }
}
