namespace LLaDAV.Eval.Cli.Tests;

/// <summary><c>bench</c> end to end on a tiny random model: every section is measured and the batched rows really batch.</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public async Task Should_measure_every_section_including_roofline_and_batched_rows()
    {
        var (code, output, error) = await Cli.RunAsync(
            "bench", "--hidden", "64", "--layers", "1", "--heads", "2", "--ffn", "128", "--vocab", "256", "--prompt", "32", "--gen", "8",
            "--refresh", "2,8", "--batch", "1,3", "--repeats", "1", "--gemm-size", "64");
        Assert.True(code == 0, output + error);
        Assert.Contains("large square GEMM (64³, weights F32)", output, StringComparison.Ordinal);
        Assert.Contains("(d) memory roofline: device copy", output, StringComparison.Ordinal);
        Assert.Contains("prefix-cache window step (8 rows against a 40-position cache)", output, StringComparison.Ordinal);

        // one block with steps = gen_length = 8: each of the 3 documents takes 8 forwards, so the batch row counts 24
        var batchRow = output.Split('\n').Single(l => l.TrimStart().StartsWith("batch 3, prefix r=2", StringComparison.Ordinal));
        Assert.EndsWith(" 24", batchRow.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_preset_by_name()
    {
        var (code, _, error) = await Cli.RunAsync("bench", "--preset", "llada-70b");
        Assert.Equal(2, code);
        Assert.Contains("--preset llada-70b is not known; the presets are: llada-8b.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Video_bench_times_ours_and_the_PyAV_peer_and_finds_the_frames_identical()
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        if (!Runs(python, "-c", "import av, numpy"))
        {
            Assert.Skip("PyAV is not installed (Debian: apt-get install python3-av python3-numpy).");
        }

        var dir = Directory.CreateTempSubdirectory("lladav-bench-video-").FullName;
        try
        {
            // variable frame rate H.264 with B-frames and a keyframe every 10 frames: 40 frames at 25 fps, then 40 at 10 fps
            var video = Path.Combine(dir, "vfr.mp4");
            Assert.True(Runs("ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc=size=96x64:rate=25", "-frames:v", "80",
                "-vf", "settb=1/12800,setpts='if(lt(N,40),N*512,40*512+(N-40)*1280)'", "-fps_mode", "passthrough", "-enc_time_base", "1/12800",
                "-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p", video));
            var (code, output, error) = await Cli.RunAsync("bench", "--video", video, "--frames", "8", "--rounds", "2");
            Assert.True(code == 0, output + error);
            Assert.Contains("80 frames", output, StringComparison.Ordinal);
            Assert.Contains("round 2 (PyAV first): ours ", output, StringComparison.Ordinal); // rounds alternate which side reads the file first
            Assert.Contains("ours/PyAV: ", output, StringComparison.Ordinal);
            Assert.Contains(" of 2 rounds", output, StringComparison.Ordinal);
            Assert.Contains("frames: identical (8 frames, byte for byte, in all 2 rounds)", output, StringComparison.Ordinal);

            // Both sides count the frames their decoder output. PyAV decodes every frame from the keyframe before each
            // wanted one; ours skips the non-reference B-frames it does not want, so it decodes fewer, never more.
            var decoded = output.Split('\n').Where(l => l.StartsWith("ours (", StringComparison.Ordinal) || l.StartsWith("PyAV ", StringComparison.Ordinal))
                .Select(l => int.Parse(System.Text.RegularExpressions.Regex.Match(l, @"; ([0-9,]+) frames decoded").Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture))
                .ToList();
            Assert.Equal(2, decoded.Count);
            Assert.InRange(decoded[0], 8, decoded[1]);

            // The path machines without FFmpeg 5.1's libraries take: ffmpeg processes, the same frames.
            (code, output, error) = await Cli.RunAsync("bench", "--video", video, "--frames", "8", "--ffmpeg-processes");
            Assert.True(code == 0, output + error);
            Assert.Contains("ours (ffmpeg processes, seeking; in-process libav off: --ffmpeg-processes asked for it): ", output, StringComparison.Ordinal);
            Assert.Contains("frames: identical (8 frames, byte for byte)", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Video_bench_refuses_zero_rounds_before_running_anything()
    {
        var (code, output, error) = await Cli.RunAsync("bench", "--video", typeof(BenchCommandTests).Assembly.Location, "--rounds", "0");
        Assert.Equal(2, code);
        Assert.Contains("--rounds 0 must be a positive number of rounds.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("ours", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Video_bench_names_a_missing_file()
    {
        var (code, _, error) = await Cli.RunAsync("bench", "--video", "/nonexistent/clip.mp4");
        Assert.Equal(2, code);
        Assert.Contains("--video /nonexistent/clip.mp4: no such file.", error, StringComparison.Ordinal);
    }

    private static bool Runs(string program, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        try
        {
            using var p = System.Diagnostics.Process.Start(info)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
