using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;
using LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

namespace LLaDAV.Eval.Models.Tensors.Cuda;

/// <summary>
/// What ptxas made of one kernel for one real architecture: registers per thread, local-memory stack frame, spill
/// bytes, static shared memory, and the launch it must fit (<c>__launch_bounds__</c> and the backend's block size).
/// </summary>
internal sealed record KernelResources(
    string Module,
    string Kernel,
    int Arch,
    int Registers,
    int StackFrameBytes,
    int SpillStoreBytes,
    int SpillLoadBytes,
    int SharedBytes,
    int? LaunchBounds,
    int LaunchThreads)
{
    /// <summary>Registers per SM on sm_80 and sm_90 (CUDA C++ Programming Guide, "Technical Specifications per Compute Capability": 64K 32-bit registers).</summary>
    public const int RegisterFile = 64 * 1024;

    /// <summary>Static shared memory a block may declare on every architecture (48 KB; more needs dynamic shared memory and an opt-in).</summary>
    public const int StaticSharedLimit = 48 * 1024;

    /// <summary>Registers are allocated per warp in units of 256, i.e. per thread rounded up to a multiple of 8 (Programming Guide, occupancy).</summary>
    public int AllocatedRegisters => (Registers + 7) / 8 * 8;

    /// <summary>Why this kernel fails the toolchain check; empty when it passes.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            if (SpillStoreBytes > 0 || SpillLoadBytes > 0)
            {
                problems.Add($"spills ({SpillStoreBytes} bytes stored, {SpillLoadBytes} loaded)");
            }

            if (LaunchBounds is { } bounds && LaunchThreads > bounds)
            {
                problems.Add($"launched with {LaunchThreads} threads, beyond its __launch_bounds__({bounds})");
            }

            if (AllocatedRegisters * LaunchThreads > RegisterFile)
            {
                problems.Add($"{Registers} registers × {LaunchThreads} threads exceed the SM's {RegisterFile} registers: the launch would fail");
            }

            if (SharedBytes > StaticSharedLimit)
            {
                problems.Add($"{SharedBytes} bytes of static shared memory exceed {StaticSharedLimit}");
            }

            return problems;
        }
    }
}

/// <summary>
/// The real-toolchain check of issue 27 §3, no GPU needed: NVIDIA's NVRTC (<see cref="Nvrtc.Toolkit"/>; Debian's 11.8 in
/// CI) compiles every module to SASS for sm_80 and sm_90 (<see cref="Nvrtc.CompileToCubin"/>, ptxas run by NVRTC with
/// <c>-v</c>), and ptxas's own report gives registers, spills and shared memory per kernel.
/// </summary>
internal static partial class KernelResourceReport
{
    /// <summary>Ampere (A100) and Hopper (H100/H200): the GPUs the tool runs 8B checkpoints on.</summary>
    public static IReadOnlyList<int> Architectures { get; } = [80, 90];

    /// <summary>Compiles every module of <see cref="KernelSources.All"/> for each architecture and parses ptxas's report.</summary>
    public static IReadOnlyList<KernelResources> Run(Nvrtc nvrtc, IEnumerable<int> architectures)
    {
        ArgumentNullException.ThrowIfNull(nvrtc);
        var all = new List<KernelResources>();
        foreach (var arch in architectures)
        {
            foreach (var module in KernelSources.All)
            {
                var (cubin, log) = nvrtc.CompileToCubin(module.FullSource, module.Name + ".cu", arch);
                // an ELF image (0x7f 'E' 'L' 'F'): SASS, not PTX text
                if (cubin.Length < 4 || cubin[0] != 0x7f || cubin[1] != (byte)'E' || cubin[2] != (byte)'L' || cubin[3] != (byte)'F')
                {
                    throw new CudaException($"NVRTC {nvrtc.Version} returned no ELF cubin for {module.Name}.cu on sm_{arch}.");
                }

                all.AddRange(Parse(module, arch, log));
            }
        }

        return all;
    }

    /// <summary>
    /// ptxas's <c>-v</c> report, per entry function:
    /// <code>
    /// ptxas info    : Compiling entry function 'k' for 'sm_80'
    /// ptxas info    : Function properties for k
    /// ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
    /// ptxas info    : Used 10 registers, 1024 bytes smem, 368 bytes cmem[0]
    /// </code>
    /// Every function of <paramref name="module"/> must appear, and a ptxas warning (e.g. a register cap forcing
    /// spills) is an error.
    /// </summary>
    public static IReadOnlyList<KernelResources> Parse(KernelSource module, int arch, string log)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(log);
        var found = new Dictionary<string, (int Regs, int Stack, int Stores, int Loads, int Smem)>(StringComparer.Ordinal);
        string? entry = null;
        string? properties = null;
        (int Stack, int Stores, int Loads) frame = default;
        foreach (var raw in log.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Contains("warning", StringComparison.OrdinalIgnoreCase))
            {
                throw new CudaException($"ptxas warned on {module.Name}.cu for sm_{arch}: {line.Trim()}");
            }

            if (EntryLine().Match(line) is { Success: true } e)
            {
                entry = e.Groups[1].Value;
                frame = default;
                properties = null;
            }
            else if (PropertiesLine().Match(line) is { Success: true } p)
            {
                properties = p.Groups[1].Value;
            }
            else if (FrameLine().Match(line) is { Success: true } f && properties == entry)
            {
                frame = (Int(f.Groups[1]), Int(f.Groups[2]), Int(f.Groups[3]));
            }
            else if (UsedLine().Match(line) is { Success: true } u && entry is not null)
            {
                var smem = SmemPart().Match(line);
                found[entry] = (Int(u.Groups[1]), frame.Stack, frame.Stores, frame.Loads, smem.Success ? Int(smem.Groups[1]) : 0);
                entry = null;
            }
        }

        var bounds = LaunchBoundsOf(module.Code);
        var result = new List<KernelResources>();
        foreach (var function in module.Functions)
        {
            if (!found.TryGetValue(function, out var r))
            {
                throw new CudaException($"ptxas reported nothing for {function} ({module.Name}.cu, sm_{arch}); its log was:\n{log}");
            }

            result.Add(new KernelResources(module.Name, function, arch, r.Regs, r.Stack, r.Stores, r.Loads, r.Smem, bounds.TryGetValue(function, out var b) ? b : null, CudaBackend.ThreadsPerBlockOf(function)));
        }

        return result;
    }

    /// <summary><c>__launch_bounds__(N)</c> of each kernel that declares one.</summary>
    public static IReadOnlyDictionary<string, int> LaunchBoundsOf(string code) =>
        LaunchBoundsDeclaration().Matches(code).ToDictionary(m => m.Groups[2].Value, m => Int(m.Groups[1]), StringComparer.Ordinal);

    /// <summary>The report as a Markdown table, one row per kernel and architecture.</summary>
    public static string Markdown(IReadOnlyList<KernelResources> rows, Nvrtc nvrtc)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(nvrtc);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Kernel resources (NVRTC {nvrtc.Version}, ptxas -v)\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Compiled by {nvrtc.File} to SASS (cubin) per architecture. Stack: local-memory frame; spills must be 0; launch: threads per block the backend uses (__launch_bounds__ where declared).\n\n");
        sb.Append("| kernel | module | arch | registers | stack B | spill st/ld B | smem B | launch | ok |\n|---|---|---|---:|---:|---:|---:|---|---|\n");
        foreach (var r in rows)
        {
            var launch = r.LaunchBounds is { } b ? $"{r.LaunchThreads} (bounds {b})" : r.LaunchThreads.ToString(CultureInfo.InvariantCulture);
            var ok = r.Problems.Count == 0 ? "yes" : string.Join("; ", r.Problems);
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Kernel} | {r.Module} | sm_{r.Arch} | {r.Registers} | {r.StackFrameBytes} | {r.SpillStoreBytes}/{r.SpillLoadBytes} | {r.SharedBytes} | {launch} | {ok} |\n");
        }

        return sb.ToString();
    }

    private static int Int(Group g) => int.Parse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Compiling entry function '([^']+)' for 'sm_\d+'")]
    private static partial Regex EntryLine();

    [GeneratedRegex(@"Function properties for (\S+)")]
    private static partial Regex PropertiesLine();

    [GeneratedRegex(@"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"Used (\d+) registers")]
    private static partial Regex UsedLine();

    [GeneratedRegex(@"(\d+) bytes smem")]
    private static partial Regex SmemPart();

    [GeneratedRegex(@"__launch_bounds__\(\s*(\d+)[^)]*\)\s+(\w+)\s*\(")]
    private static partial Regex LaunchBoundsDeclaration();
}
