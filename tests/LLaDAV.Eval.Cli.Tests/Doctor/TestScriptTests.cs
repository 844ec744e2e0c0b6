using System.Diagnostics;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Cli.Tests.Doctor;

/// <summary>
/// scripts/test.sh (README's test command, CI's through .ci/run) against a described machine: a fake dpkg
/// (LLADAV_DPKG) says which packages are installed and a fake dotnet on PATH records whether the tests were started,
/// so nothing here installs anything or runs the real suite.
/// The script is bash for Debian; so are these tests.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TestScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lladav-testsh-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_missing_required_package_prints_the_apt_get_line_and_exits_3_without_running_the_tests()
    {
        var (code, stdout, stderr) = RunScript("scripts/test.sh", missing: ["ffmpeg", "libopenblas0-pthread"]);

        Assert.Equal(3, code);
        Assert.Contains("sudo apt-get install -y --no-install-recommends ffmpeg libopenblas0-pthread", stdout.Split('\n'));
        Assert.Contains("required Debian packages are missing: ffmpeg libopenblas0-pthread", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(DotnetMarker), "dotnet test must not run when a required package is missing");
    }

    [Fact]
    public void Everything_installed_runs_dotnet_test_with_the_arguments_and_prints_the_closing_line()
    {
        var (code, stdout, _) = RunScript("scripts/test.sh", missing: [], dotnetExit: 1, "--filter", "FullyQualifiedName~Media");

        Assert.Equal(1, code); // dotnet test's status is the script's
        Assert.Equal("test LLaDAV.Eval.sln -c Release --blame-hang-timeout 20m --blame-hang-dump-type none --filter FullyQualifiedName~Media", File.ReadAllText(DotnetMarker).Trim());
        Assert.Contains("tests: 7 passed, 1 failed, 2 skipped", stdout.Split('\n'));
    }

    [Fact]
    public void A_missing_optional_package_is_a_note_and_the_tests_still_run()
    {
        var (code, stdout, _) = RunScript("scripts/test.sh", missing: ["python3-torch"]);

        Assert.Equal(0, code);
        Assert.Contains("note: optional packages missing, their tests will skip: python3-torch", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(DotnetMarker));
    }

    [Fact]
    public void Without_dpkg_the_package_check_is_skipped_and_the_tests_run()
    {
        var (code, _, stderr) = RunScript("scripts/test.sh", missing: ["ffmpeg"], dpkg: Path.Combine(_dir, "no-such-dpkg"));

        Assert.Equal(0, code);
        Assert.Contains("note: no dpkg here, the Debian package check is skipped", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(DotnetMarker));
    }

    [Fact]
    public void Ci_run_is_the_same_script()
    {
        var (code, stdout, _) = RunScript(".ci/run", missing: ["libzstd1"]);

        Assert.Equal(3, code);
        Assert.Contains("sudo apt-get install -y --no-install-recommends libzstd1", stdout.Split('\n'));
        Assert.False(File.Exists(DotnetMarker));
    }

    private string DotnetMarker => Path.Combine(_dir, "dotnet-ran");

    private (int Code, string Out, string Err) RunScript(string script, string[] missing, int dotnetExit = 0, params string[] args) =>
        RunScript(script, missing, dpkg: null, dotnetExit, args);

    private (int Code, string Out, string Err) RunScript(string script, string[] missing, string? dpkg, int dotnetExit = 0, params string[] args)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var fakeDpkg = Path.Combine(bin, "fake-dpkg");
        File.WriteAllText(fakeDpkg, $"#!/bin/sh\n# usage: fake-dpkg -s PKG\ncase \"$2\" in {(missing.Length == 0 ? "''" : string.Join('|', missing))}) exit 1;; esac\nexit 0\n");
        File.WriteAllText(Path.Combine(bin, "dotnet"),
            $"#!/bin/sh\necho \"$@\" > '{DotnetMarker}'\necho 'Failed!  - Failed:     1, Passed:     3, Skipped:     2, Total:     6'\necho 'Passed!  - Failed:     0, Passed:     4, Skipped:     0, Total:     4'\nexit {dotnetExit}\n");
        foreach (var file in Directory.GetFiles(bin))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = TestPaths.RepoRoot };
        start.ArgumentList.Add(Path.Combine(TestPaths.RepoRoot, script));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LLADAV_NO_INSTALL"] = "1";
        start.Environment["LLADAV_DPKG"] = dpkg ?? fakeDpkg;
        start.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.GetAwaiter().GetResult());
    }
}
