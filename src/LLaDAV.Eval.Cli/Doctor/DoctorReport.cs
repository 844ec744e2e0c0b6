using System.Text.Json;

namespace LLaDAV.Eval.Cli.Doctor;

/// <summary>The probed catalog, and the two things a user acts on: is the CPU path ready, and what to install.</summary>
internal sealed class DoctorReport
{
    /// <summary>The CLI's data/environment exit code (docs/ARCHITECTURE.md §7): something the machine lacks, not a usage error.</summary>
    public const int MissingExitCode = 3;

    private DoctorReport(IReadOnlyList<(SystemDependency Dependency, ProbeResult Result)> entries)
    {
        Entries = entries;
    }

    public IReadOnlyList<(SystemDependency Dependency, ProbeResult Result)> Entries { get; }

    public IReadOnlyList<SystemDependency> MissingRequired => [.. Entries.Where(e => e.Dependency.Required && !e.Result.Found).Select(e => e.Dependency)];

    public IReadOnlyList<SystemDependency> MissingOptional => [.. Entries.Where(e => !e.Dependency.Required && !e.Result.Found).Select(e => e.Dependency)];

    public int ExitCode => MissingRequired.Count == 0 ? 0 : MissingExitCode;

    public static DoctorReport Build(IReadOnlyList<SystemDependency> catalog, IDependencyProbe probe)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(probe);
        return new DoctorReport([.. catalog.Select(d => (d, probe.Probe(d)))]);
    }

    /// <summary>One apt-get line for <paramref name="missing"/> (ffmpeg and ffprobe share a package: named once).</summary>
    public static string InstallLine(IEnumerable<SystemDependency> missing) =>
        "sudo apt-get install -y --no-install-recommends " + string.Join(' ', missing.Select(d => d.DebianPackage).Distinct(StringComparer.Ordinal));

    public async Task WriteTextAsync(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync("System libraries and programs lladav-eval can use:").ConfigureAwait(false);
        var width = Entries.Max(e => e.Dependency.Name.Length);
        foreach (var (d, r) in Entries)
        {
            var state = r.Found ? "found  " : "MISSING";
            var where = r.Found ? $"  {r.Path}{(r.Version is null ? "" : $" ({r.Version})")}{(r.Emulated ? " — emulated device (tests/cuda-emulator): runs the kernels on the CPU, not a GPU" : "")}" : $"  (tried {string.Join(", ", d.Candidates)})";
            await output.WriteLineAsync($"  {state}  {d.Name.PadRight(width)}  {(d.Kind == DependencyKind.Library ? "library" : "program")}  {(d.Required ? "required" : "optional")}{where}").ConfigureAwait(false);
            var source = d.Source is null ? "" : $" ({d.Source})";
            await output.WriteLineAsync($"           {new string(' ', width)}  package {d.DebianPackage}{source}; for {d.Feature}").ConfigureAwait(false);
        }

        if (MissingRequired.Count == 0)
        {
            await output.WriteLineAsync("CPU path: ready (every required library and program was found).").ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"CPU path: NOT ready, missing {string.Join(", ", MissingRequired.Select(d => d.Name))}. Install with:").ConfigureAwait(false);
            await output.WriteLineAsync(InstallLine(MissingRequired)).ConfigureAwait(false);
        }

        if (MissingOptional.Count > 0)
        {
            await output.WriteLineAsync($"Optional, missing ({string.Join(", ", MissingOptional.Select(d => d.Name))}): {InstallLine(MissingOptional)}").ConfigureAwait(false);
        }
    }

    public async Task WriteJsonAsync(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = LLaDAV.Eval.Running.JsonOutput.Indented.Encoder }))
        {
            json.WriteStartObject();
            json.WriteBoolean("cpu_path_ready", MissingRequired.Count == 0);
            json.WriteStartArray("dependencies");
            foreach (var (d, r) in Entries)
            {
                json.WriteStartObject();
                json.WriteString("name", d.Name);
                json.WriteString("kind", d.Kind == DependencyKind.Library ? "library" : "program");
                json.WriteBoolean("required", d.Required);
                json.WriteBoolean("found", r.Found);
                json.WriteString("path", r.Path);
                json.WriteString("version", r.Version);
                json.WriteBoolean("emulated_device", r.Emulated);
                json.WriteString("debian_package", d.DebianPackage);
                json.WriteString("source", d.Source);
                json.WriteString("feature", d.Feature);
                json.WriteStartArray("tried");
                foreach (var c in d.Candidates)
                {
                    json.WriteStringValue(c);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("install_required", MissingRequired.Count == 0 ? null : InstallLine(MissingRequired));
            json.WriteString("install_optional", MissingOptional.Count == 0 ? null : InstallLine(MissingOptional));
            json.WriteEndObject();
        }

        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
    }
}
