using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Bench;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval bench [--preset llada-8b] [--hidden N] [--layers N] [--prompt N] [--gen N] [--refresh 2,4,...] [--batch 1,4] [--repeats N] [--device cpu|cpu-managed|cuda[:N]] [--dtype fp32|bf16] [--json FILE] [--peer bench/torch-peer/run.sh [--peer-only]]</c>:
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
        var device = new Option<string>("--device") { Description = "cpu (OpenBLAS when present), cpu-managed, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var batch = new Option<string>("--batch") { Description = "Batch sizes for the batched diffusion rows (documents per forward).", DefaultValueFactory = _ => string.Join(',', d.BatchSizes) };
        var gemmSize = new Option<int>("--gemm-size") { Description = "Side of the reference square GEMM (0: 8192 on a GPU, 1024 on the CPU)." };
        var dtype = new Option<string?>("--dtype") { Description = "fp32 (CPU default) or bf16 (GPU default; on the CPU: bf16 GEMMs on AVX512-BF16 through oneDNN) for sections (a)-(d)." };
        var peer = new Option<string?>("--peer") { Description = "(e): run the LibTorch peer (bench/torch-peer/run.sh, built by bench/torch-peer/build.sh) on the same shapes, fp32 and bf16, alternating with ours; prints ours/peer." };
        var peerOnly = new Option<bool>("--peer-only") { Description = "With --peer: only (e), skipping (a)-(d)." };
        var preset = new Option<string?>("--preset") { Description = "llada-8b: LLaDA-8B's shape, 1536-token prompt, gen 128, batches 1,4,8 (explicit size options override it)." };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON to this file." };
        var video = new Option<string?>("--video") { Description = "Time our uniform frame sample of this video against the PyAV peer (decord's seek + decode path, Debian python3-av) and say whether the frames are identical; only this benchmark runs." };
        var frames = new Option<int>("--frames") { Description = "With --video: frames sampled (lmms-eval's max_frames_num).", DefaultValueFactory = _ => Media.Video.FrameSampling.DefaultFrameCount };
        var rounds = new Option<int>("--rounds") { Description = "With --video: rounds of ours and the peer (ours first in odd rounds, the peer first in even ones); medians, and in how many rounds ours was no slower.", DefaultValueFactory = _ => 1 };
        var processes = new Option<bool>("--ffmpeg-processes") { Description = "With --video: time our ffmpeg-process path (what machines without FFmpeg 5.1's libraries get) instead of libav in this process." };
        var python = new Option<string?>("--python") { Description = "With --video: the Python that has PyAV (default /usr/bin/python3, Debian's, when it exists; else python3)." };
        var command = new Command("bench", "Measure engine throughput: forward vs sgemm GFLOP/s, diffusion with/without prefix cache, AR with/without KV cache.");
        foreach (var o in new Option[] { hidden, layers, heads, ffn, vocab, prompt, gen, refresh, repeats, device, dtype, batch, gemmSize, preset, peer, peerOnly, json, video, frames, rounds, processes, python, Hosting.CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        command.SetAction((ParseResult r, CancellationToken ct) => Hosting.CliHost.GuardToolAsync(r, _ =>
        {
            if (r.GetValue(video) is { } videoPath)
            {
                var interpreter = r.GetValue(python) ?? (File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
                var script = Path.Combine(Hosting.Workspace.Root(), "bench", "pyav-peer", "sample_frames.py");
                return VideoBench.Run(videoPath, r.GetValue(frames), r.GetValue(rounds), !r.GetValue(processes), interpreter, script, r.InvocationConfiguration.Output, r.InvocationConfiguration.Error);
            }

            try
            {
                var basis = r.GetValue(preset) switch
                {
                    null => d,
                    "llada-8b" => EngineBenchmarkOptions.Llada8B,
                    var other => throw new ArgumentException($"--preset {other} is not known; the presets are: llada-8b."),
                };

                // an option given on the command line wins over the preset
                T Pick<T>(Option<T> option, T fromPreset) => r.GetResult(option) is { Implicit: false } ? r.GetValue(option)! : fromPreset;
                static ImmutableArray<int> Ints(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
                var options = new EngineBenchmarkOptions
                {
                    Hidden = Pick(hidden, basis.Hidden),
                    Layers = Pick(layers, basis.Layers),
                    Heads = Pick(heads, basis.Heads),
                    Intermediate = Pick(ffn, basis.Intermediate),
                    Vocab = Pick(vocab, basis.Vocab),
                    PromptTokens = Pick(prompt, basis.PromptTokens),
                    GenLength = Pick(gen, basis.GenLength),
                    RefreshIntervals = r.GetResult(refresh) is { Implicit: false } ? Ints(r.GetValue(refresh)!) : basis.RefreshIntervals,
                    BatchSizes = r.GetResult(batch) is { Implicit: false } ? Ints(r.GetValue(batch)!) : basis.BatchSizes,
                    LargeGemm = r.GetValue(gemmSize),
                    Device = r.GetValue(device)!,
                    Repeats = Pick(repeats, basis.Repeats),
                };
                var error = r.InvocationConfiguration.Error;
                var peerCommand = r.GetValue(peer);
                if (r.GetValue(peerOnly) && peerCommand is null)
                {
                    throw new ArgumentException("--peer-only needs --peer bench/torch-peer/run.sh.");
                }

                if (!r.GetValue(peerOnly))
                {
                    using var backend = ComputeDevices.Create(options.Device, r.GetValue(dtype));
                    if (ComputeDeviceInfo.Of(backend) is { Emulated: true } emulated)
                    {
                        // issue 27: times from the emulated device are never reported as GPU timings
                        r.InvocationConfiguration.Error.WriteLine(
                            $"bench refuses {options.Device}: it is {emulated.Description}, an emulated device (tests/cuda-emulator, found through $LLADAV_CUDA_LIBRARY_PATH) that runs the kernels on the CPU, so its times would be CPU emulation times, not GPU timings. Bench a real GPU (unset LLADAV_CUDA_LIBRARY_PATH) or the CPU (--device cpu).");
                        return 3;
                    }

                    var report = EngineBenchmark.Run(options, backend, m => error.WriteLine(m));
                    r.InvocationConfiguration.Output.Write(report.ToText());
                    if (r.GetValue(json) is { } jsonPath)
                    {
                        File.WriteAllText(jsonPath, EngineBenchmarkJson.ToJson(report));
                    }
                }

                if (peerCommand is not null)
                {
                    if (!options.Device.StartsWith("cpu", StringComparison.Ordinal))
                    {
                        throw new ArgumentException("--peer compares CPU engines (the peer is LibTorch CPU); use it with --device cpu.");
                    }

                    r.InvocationConfiguration.Output.Write(EngineBenchmark.ComparePeer(options, peerCommand, m => error.WriteLine(m)).ToText());
                }

                return 0;
            }
            catch (LLaDAV.Eval.Models.Tensors.Cuda.CudaUnavailableException e)
            {
                // no GPU or CUDA library: a missing resource (exit 3), said as selftest says it (gpu-check.sh reads "no CUDA device:")
                r.InvocationConfiguration.Error.WriteLine($"no CUDA device: {e.Message}");
                return 3;
            }
        }));

        return command;
    }
}
