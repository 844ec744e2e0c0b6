using System.Globalization;
using System.Text;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Cli.Tests;

/// <summary>
/// Issue 14 §5: the fault-injection campaign. A child process running <c>lladav-eval run</c> is SIGKILLed at a
/// seeded random crash point (<see cref="FaultInjection"/>: before, inside and after each journal record, around each
/// temp write and rename of the manifest and result files), sometimes twice (the resume is killed too); then the run
/// is finished with <c>--resume</c> (or started again when the kill came before the manifest existed), and its
/// <c>results.json</c> and every <c>samples_*.jsonl</c> must equal an uninterrupted run's byte for byte. N = 20
/// cases in CI, <c>LLADAV_FAULT_N</c> to change it (100 for the full campaign), <c>LLADAV_FAULT_SEED</c> for the seed.
/// </summary>
public sealed class FaultCampaignTests : IDisposable
{
    private const string Epoch = "1767225600";

    private readonly string _out = Directory.CreateTempSubdirectory("lladav-faults-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    /// <summary>A configuration of the campaign: the model, tasks and batch size of one kind of run.</summary>
    private sealed record Setup(string Name, string[] Args, string[] Tasks);

    private static readonly Setup[] s_setups =
    [
        new("replay-b1", ["--model", "replay", "--model-args", $"responses={Path.Combine(Cli.Tasks, "*", "sample", "responses.jsonl")}", "--tasks", "mmmu_val,mmstar,ai2d"], ["mmmu_val", "mmstar", "ai2d"]),
        new("replay-b3", ["--model", "replay", "--model-args", $"responses={Path.Combine(Cli.Tasks, "*", "sample", "responses.jsonl")}", "--tasks", "mmmu_val,chartqa,pope", "--batch-size", "3"], ["mmmu_val", "chartqa", "pope"]),
        new("lladav-demo-b1", ["--model", "lladav", "--model-args", "path=demo", "--tasks", "mmstar", "--limit", "3"], ["mmstar"]),
        new("lladav-demo-b2", ["--model", "lladav", "--model-args", "path=demo", "--tasks", "mmstar", "--limit", "3", "--batch-size", "2"], ["mmstar"]),
    ];

    private string[] Args(Setup setup, string id) =>
        ["run", "--config", Cli.Config, "--tasks-dir", Cli.Tasks, "--output", _out, "--run-id", id, .. setup.Args];

    private static Dictionary<string, string> Env(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = Epoch };
        foreach (var (k, v) in extra)
        {
            env[k] = v;
        }

        return env;
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private string RunDir(Setup setup, string id) => Path.Combine(_out, setup.Args[1], id);

    [Fact]
    public async Task Every_seeded_SIGKILL_point_resumes_to_the_bytes_of_an_uninterrupted_run()
    {
        var cases = Setting("LLADAV_FAULT_N", 20);
        var seed = Setting("LLADAV_FAULT_SEED", 14);

        // The uninterrupted runs, each counting its crash points.
        var points = new Dictionary<string, int>();
        foreach (var setup in s_setups)
        {
            var countFile = Path.Combine(_out, setup.Name + ".points");
            var (code, output) = Cli.RunProcess(Env((FaultInjection.CountFileVariable, countFile)), Args(setup, "clean-" + setup.Name));
            Assert.True(code == 0, output);
            points[setup.Name] = int.Parse(File.ReadAllText(countFile), CultureInfo.InvariantCulture);
            Assert.True(points[setup.Name] > 10, $"{setup.Name}: only {points[setup.Name]} crash points");
        }

        var random = new Random(seed);
        var log = new StringBuilder();
        for (var i = 0; i < cases; i++)
        {
            var setup = s_setups[i % s_setups.Length];
            var id = $"case{i}";
            var dir = RunDir(setup, id);
            var kills = new List<int> { random.Next(1, points[setup.Name] + 1) };
            if (random.Next(2) == 0)
            {
                // A second kill, during the resume; it may lie beyond the resume's own points (then it completes).
                kills.Add(random.Next(1, points[setup.Name] + 1));
            }

            for (var k = 0; k < kills.Count; k++)
            {
                var resume = k > 0 && File.Exists(Path.Combine(dir, RunManifest.FileName));
                var args = resume ? new[] { "run", "--resume", dir, "--tasks-dir", Cli.Tasks } : Args(setup, id);
                var (code, output) = Cli.RunProcess(Env((FaultInjection.KillAtVariable, kills[k].ToString(CultureInfo.InvariantCulture))), args);
                if (k == 0)
                {
                    Assert.True(code != 0, $"case {i} ({setup.Name}, point {kills[k]}): the run was not killed\n{output}");
                }

                Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            }

            // Finish: resume a run whose manifest was written, else start it again (nothing was presented as a result).
            var (finalCode, finalOut, finalErr) = File.Exists(Path.Combine(dir, RunManifest.FileName))
                ? await Cli.RunAsync("run", "--resume", dir, "--tasks-dir", Cli.Tasks)
                : await Cli.RunAsync(Args(setup, id));
            Assert.True(finalCode == 0, $"case {i} ({setup.Name}, points {string.Join(",", kills)}):\n{finalOut}{finalErr}");

            var clean = RunDir(setup, "clean-" + setup.Name);
            foreach (var file in setup.Tasks.Select(t => $"samples_{t}.jsonl").Append("results.json"))
            {
                if (!File.ReadAllBytes(Path.Combine(clean, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, file))))
                {
                    // Keep both runs for diagnosis: the temp folder is deleted with the test.
                    var kept = Path.Combine(Path.GetTempPath(), $"lladav-fault-case{i}-{Guid.NewGuid():N}");
                    CopyTree(clean, Path.Combine(kept, "clean"));
                    CopyTree(dir, Path.Combine(kept, "resumed"));
                    Assert.Fail($"case {i} ({setup.Name}, killed at points {string.Join(",", kills)}): {file} differs from the uninterrupted run; both kept in {kept}");
                }
            }

            log.Append(CultureInfo.InvariantCulture, $"case {i}: {setup.Name} killed at {string.Join(" then ", kills)} of {points[setup.Name]}\n");
            Directory.Delete(dir, recursive: true);
        }

        // The campaign's cases, for the CI log (xunit prints nothing on success; this file is kept beside the test output).
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "fault-campaign.log"), log.ToString());
    }
}
