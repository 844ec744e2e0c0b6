namespace LLaDAV.Eval.Cli.Doctor;

/// <summary>Whether a dependency is a shared library (dlopen'ed by name) or a program (found on PATH and run).</summary>
internal enum DependencyKind
{
    Library,
    Program,
}

/// <summary>
/// One system library or program the tool can use. <see cref="Candidates"/> are the names the code itself tries
/// (sonames in order, or the program name); <see cref="DebianPackage"/> is a real package name, so a list of missing
/// ones is a working <c>apt-get install</c> line; <see cref="Source"/> adds where it comes from when that is not
/// plain Debian main (non-free, the NVIDIA driver, pip wheels).
/// </summary>
internal sealed record SystemDependency(
    string Name,
    DependencyKind Kind,
    IReadOnlyList<string> Candidates,
    string DebianPackage,
    string Feature,
    bool Required,
    string? Source = null,
    string? VersionArgument = null,
    bool CudaSearch = false);

/// <summary>What a probe found: the file (resolved library path or program path) and a version line when one is known.</summary>
/// <see cref="Emulated"/>: a CUDA library of the emulated device (tests/cuda-emulator), not NVIDIA's.
internal sealed record ProbeResult(bool Found, string? Path = null, string? Version = null, bool Emulated = false)
{
    public static ProbeResult Missing { get; } = new(false);
}
