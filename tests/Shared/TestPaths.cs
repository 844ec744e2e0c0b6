using System.Runtime.CompilerServices;

namespace LLaDAV.Eval.Testing;

/// <summary>
/// Where the repository and the shared oracles are, wherever the tests were built (in-tree bin/ or an
/// <c>--artifacts-path</c> elsewhere). CI has <c>../shared</c> beside the checkout (DEVELOPERS guide).
/// </summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_repoRoot = new(FindRepoRoot);

    public static string RepoRoot => s_repoRoot.Value;

    /// <summary><c>../shared/testdata</c> relative to the repository root.</summary>
    public static string TestData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "testdata"));

    public static string InTestData(params string[] parts) => Path.Combine([TestData, .. parts]);

    /// <summary>
    /// The snapshot folder of a task family's embedded sample (<c>tasks/&lt;family&gt;/sample/hub</c>, a hub cache laid
    /// out as huggingface_hub writes it): <c>refs/&lt;revision&gt;</c> names the commit folder under <c>snapshots/</c>.
    /// </summary>
    public static string SampleSnapshot(string family, string repoId, string revision = "main")
    {
        var repo = Path.Combine(RepoRoot, "tasks", family, "sample", "hub", "datasets--" + repoId.Replace("/", "--", StringComparison.Ordinal));
        return Path.Combine(repo, "snapshots", File.ReadAllText(Path.Combine(repo, "refs", revision)).Trim());
    }

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), SourceDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LLaDAV.Eval.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (a folder holding LLaDAV.Eval.sln) above the test binaries, the working directory or the test sources.");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? ".";
}
