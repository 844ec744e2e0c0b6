using System.CommandLine;
using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval generate --model lladav|llama3v [--model-path DIR|demo] [--image FILE] --prompt TEXT
/// [--gen-kwargs k=v,...] [--device cpu] [--dtype fp32|bf16] [--seed N] [--json]</c>: one generation through the backend's request path.
/// The work is <see cref="GenerateTool"/>; this file maps options and errors to exit codes (2 usage, 3 checkpoint/data).
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "lladav or llama3v.", Required = true };
        var modelPath = new Option<string?>("--model-path") { Description = "Checkpoint folder (HF layout); omit or 'demo' for the generated demo checkpoint (random weights)." };
        var image = new Option<string?>("--image") { Description = "An image file to condition on." };
        var prompt = new Option<string>("--prompt") { Description = "The task text (rendered exactly as a task context is).", Required = true };
        var genKwargs = new Option<string?>("--gen-kwargs") { Description = "k=v,... e.g. gen_length=32,steps=16,block_length=32,cache=prefix,refresh_interval=8." };
        var device = new Option<string>("--device") { Description = "cpu (default) or cuda[:N] when built with CUDA.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string?>("--dtype") { Description = "fp32 (CPU default) or bf16 (GPU default; on the CPU: bf16 GEMMs with fp32 accumulation, needs AVX512-BF16 and libdnnl2)." };
        var seed = new Option<ulong>("--seed") { Description = "Sampling seed (temperature > 0 or random remasking).", DefaultValueFactory = _ => 0UL };
        var json = new Option<bool>("--json") { Description = "Print {prompt_ids, generated_ids, text, usage, seconds} as JSON." };
        var command = new Command("generate", "Generate an answer for one prompt (and image) with lladav or llama3v.");
        foreach (var o in new Option[] { model, modelPath, image, prompt, genKwargs, device, dtype, seed, json, Hosting.CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        command.SetAction((ParseResult r, CancellationToken ct) => Hosting.CliHost.GuardToolAsync(r, output =>
        {
            var request = new GenerateToolRequest(r.GetValue(model)!, r.GetValue(modelPath), r.GetValue(image), r.GetValue(prompt)!, r.GetValue(genKwargs), r.GetValue(json), r.GetValue(device)!, r.GetValue(seed)) { DType = r.GetValue(dtype) };
            output.WriteLine(GenerateTool.Run(request));
            return 0;
        }));

        return command;
    }
}
