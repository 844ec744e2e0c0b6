using LLaDAV.Eval.Media.Processes;
using LLaDAV.Eval.Media.Video.Libav;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Parquet.Compression;

namespace LLaDAV.Eval.Cli.Doctor;

/// <summary>
/// Every system library and program the tool loads or runs (found by grepping src/ for NativeLibrary.TryLoad,
/// LibraryImport and Process starts). Names come from the binding classes themselves, so doctor checks what a run
/// would load. Required = the CPU path of a run needs it (video tasks, Parquet ZSTD pages); everything else has a
/// fallback or belongs to one feature. libc (LibraryImport "libc") is always there and not listed; images decode
/// through SkiaSharp's NuGet natives, so no image library is either.
/// </summary>
internal static class DependencyCatalog
{
    public static IReadOnlyList<SystemDependency> All { get; } =
    [
        new("ffmpeg", DependencyKind.Program, [ExternalTool.Ffmpeg.Name], ExternalTool.Ffmpeg.DebianPackage,
            "video tasks: decodes frames", Required: true, VersionArgument: "-version"),
        new("ffprobe", DependencyKind.Program, [ExternalTool.Ffprobe.Name], ExternalTool.Ffprobe.DebianPackage,
            "video tasks: reads duration and frame count", Required: true, VersionArgument: "-version"),
        .. LibavLibraries.All.Select(l => new SystemDependency(
            l.Soname.Split('.')[0], DependencyKind.Library, [l.Soname], l.DebianPackage,
            "video tasks: frames decoded in this process (FFmpeg 5.1, installed with ffmpeg); without it, by ffmpeg processes", Required: false)),
        new("libzstd", DependencyKind.Library, ZstdLibrary.Sonames, "libzstd1",
            "Parquet files with ZSTD-compressed pages", Required: true),
        new("libopenblas", DependencyKind.Library, NativeLibraries.OpenBlas, "libopenblas0-pthread",
            "CPU fp32 GEMM (faster; a managed GEMM runs without it)", Required: false),
        new("libdnnl", DependencyKind.Library, NativeLibraries.Dnnl, "libdnnl2",
            "CPU bf16 GEMMs (--model-args dtype=bf16, bench --dtype bf16)", Required: false),
        new("libcuda", DependencyKind.Library, NativeLibraries.CudaDriver, "libcuda1",
            "--device cuda (the NVIDIA driver)", Required: false, Source: "non-free, or the NVIDIA driver installer", CudaSearch: true),
        new("libcublas", DependencyKind.Library, NativeLibraries.CuBlas, "libcublas11",
            "--device cuda (GEMMs)", Required: false, Source: "non-free, the CUDA toolkit or pip nvidia-cublas-cu12", CudaSearch: true),
        new("libnvrtc", DependencyKind.Library, NativeLibraries.Nvrtc, "libnvrtc11.2",
            "--device cuda (compiles the kernels)", Required: false, Source: "non-free, the CUDA toolkit or pip nvidia-cuda-nvrtc-cu12", CudaSearch: true),
        new("sbatch", DependencyKind.Program, ["sbatch"], "slurm-client",
            "submit slurm (sbatch) and status of Slurm runs (sacct, scontrol, squeue)", Required: false, VersionArgument: "--version"),
    ];
}
