using System.Text.Json;
using LLaDAV.Eval.Cli.Doctor;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Doctor;

public sealed class DoctorTests
{
    /// <summary>A described machine: everything found except <paramref name="missing"/>.</summary>
    private sealed class FakeProbe(params string[] missing) : IDependencyProbe
    {
        public string Version { get; init; } = "9.9";

        public ProbeResult Probe(SystemDependency dependency) =>
            missing.Contains(dependency.Name) ? ProbeResult.Missing : new ProbeResult(true, "/fake/" + dependency.Candidates[0], Version);
    }

    [Fact]
    public async Task Doctor_lists_every_entry_with_its_package_and_feature_on_this_machine()
    {
        var (code, output, _) = await Cli.RunAsync("doctor");

        // This machine may or may not have ffmpeg; either way the verb answers with the contract's codes.
        Assert.Contains(code, new[] { 0, DoctorReport.MissingExitCode });
        foreach (var d in DependencyCatalog.All)
        {
            Assert.Contains($" {d.Name} ", output, StringComparison.Ordinal);
            Assert.Contains($"package {d.DebianPackage}", output, StringComparison.Ordinal);
            Assert.Contains(d.Feature, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Catalog_covers_what_the_code_loads_and_runs()
    {
        var names = DependencyCatalog.All.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        string[] expected = ["ffmpeg", "ffprobe", "libavformat", "libavcodec", "libavutil", "libswscale", "libzstd", "libopenblas", "libdnnl", "libcuda", "libcublas", "libnvrtc", "sbatch"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Equal(LLaDAV.Eval.Parquet.Compression.ZstdLibrary.Sonames, DependencyCatalog.All.Single(d => d.Name == "libzstd").Candidates);
        Assert.Equal(LLaDAV.Eval.Models.Tensors.NativeLibraries.Nvrtc, DependencyCatalog.All.Single(d => d.Name == "libnvrtc").Candidates);
        Assert.Equal(["libswscale.so.6"], DependencyCatalog.All.Single(d => d.Name == "libswscale").Candidates);
    }

    [Fact]
    public void Every_package_the_CPU_path_requires_is_one_the_test_script_installs()
    {
        var script = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "scripts", "test.sh"));
        var line = script.Split('\n').Single(l => l.StartsWith("required=(", StringComparison.Ordinal));
        var installed = line["required=(".Length..line.IndexOf(')', StringComparison.Ordinal)].Split(' ');
        foreach (var d in DependencyCatalog.All.Where(d => d.Required))
        {
            Assert.Contains(d.DebianPackage, installed);
        }
    }

    [Fact]
    public async Task Everything_found_is_exit_0_and_says_ready()
    {
        var report = DoctorReport.Build(DependencyCatalog.All, new FakeProbe());
        var text = new StringWriter();
        await report.WriteTextAsync(text);

        Assert.Equal(0, report.ExitCode);
        Assert.Contains("CPU path: ready", text.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("MISSING", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("/fake/ffmpeg (9.9)", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_ffmpeg_is_exit_3_with_one_install_line_naming_the_package_once()
    {
        var report = DoctorReport.Build(DependencyCatalog.All, new FakeProbe("ffmpeg", "ffprobe", "libcuda"));
        var text = new StringWriter();
        await report.WriteTextAsync(text);
        var lines = text.ToString().Split('\n', StringSplitOptions.TrimEntries);

        Assert.Equal(3, report.ExitCode);
        Assert.Contains("CPU path: NOT ready, missing ffmpeg, ffprobe. Install with:", lines);
        Assert.Contains("sudo apt-get install -y --no-install-recommends ffmpeg", lines);
        Assert.Contains(lines, l => l.StartsWith("Optional, missing (libcuda): sudo apt-get install -y --no-install-recommends libcuda1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_has_one_object_per_entry_with_package_and_found()
    {
        var report = DoctorReport.Build(DependencyCatalog.All, new FakeProbe("libzstd"));
        var text = new StringWriter();
        await report.WriteJsonAsync(text);
        using var json = JsonDocument.Parse(text.ToString());

        Assert.False(json.RootElement.GetProperty("cpu_path_ready").GetBoolean());
        var entries = json.RootElement.GetProperty("dependencies").EnumerateArray().ToList();
        Assert.Equal(DependencyCatalog.All.Select(d => d.DebianPackage), entries.Select(e => e.GetProperty("debian_package").GetString()));
        Assert.False(entries.Single(e => e.GetProperty("name").GetString() == "libzstd").GetProperty("found").GetBoolean());
        Assert.Equal("sudo apt-get install -y --no-install-recommends libzstd1", json.RootElement.GetProperty("install_required").GetString());
    }

    [Fact]
    public async Task Json_keeps_version_text_as_printed_without_escaping_plus_or_non_ascii()
    {
        // Debian's versions carry '+' ("5.1.9-0+deb12u1"); System.Text.Json's default encoder writes it as \u002B,
        // which a reader's jq or grep for the version no longer finds (Python's json.dumps writes '+' as is).
        var report = DoctorReport.Build(DependencyCatalog.All, new FakeProbe() { Version = "ffmpeg version 5.1.9-0+deb12u1 – ü" });
        var text = new StringWriter();
        await report.WriteJsonAsync(text);

        Assert.Contains("\"ffmpeg version 5.1.9-0+deb12u1 – ü\"", text.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_flag_prints_parseable_json_on_this_machine()
    {
        var (_, output, _) = await Cli.RunAsync("doctor", "--json");
        using var json = JsonDocument.Parse(output);
        Assert.Equal(DependencyCatalog.All.Count, json.RootElement.GetProperty("dependencies").GetArrayLength());
    }
}
