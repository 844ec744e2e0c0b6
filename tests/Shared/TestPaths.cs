using System.Runtime.CompilerServices;

namespace LLaDAV.Eval.Testing;

/// <summary>
/// Where the repository and the shared oracles are, wherever the tests were built (in-tree bin/ or an
/// <c>--artifacts-path</c> elsewhere). The oracles live in the repository (tests/testdata), so a bare clone passes.
/// </summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_repoRoot = new(FindRepoRoot);

    public static string RepoRoot => s_repoRoot.Value;

    /// <summary><c>tests/testdata</c>: the independent oracles, with their provenance in its README.</summary>
    public static string TestData => Path.Combine(RepoRoot, "tests", "testdata");

    public static string InTestData(params string[] parts) => Path.Combine([TestData, .. parts]);

    private static readonly Lazy<string> s_llama3Tokenizer = new(UnpackLlama3Tokenizer);

    /// <summary>
    /// The Llama-3 tokenizer folder (tokenizer.json, tokenizer_config.json). The repository keeps tokenizer.json
    /// gzipped (6 MB → 2 MB; no file over a few MB in git): it is unpacked once per test process into a temp folder.
    /// </summary>
    public static string Llama3Tokenizer => s_llama3Tokenizer.Value;

    private static string UnpackLlama3Tokenizer()
    {
        var source = InTestData("tokenizers", "llama3");
        var target = Directory.CreateTempSubdirectory("lladav-llama3-tokenizer-").FullName;
        File.Copy(Path.Combine(source, "tokenizer_config.json"), Path.Combine(target, "tokenizer_config.json"));
        using var packed = File.OpenRead(Path.Combine(source, "tokenizer.json.gz"));
        using var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionMode.Decompress);
        using var unpacked = File.Create(Path.Combine(target, "tokenizer.json"));
        gzip.CopyTo(unpacked);
        return target;
    }

    /// <summary>
    /// The snapshot folder of a task family's embedded sample (<c>tasks/&lt;family&gt;/sample/hub</c>, a hub cache laid
    /// out as huggingface_hub writes it): <c>refs/&lt;revision&gt;</c> names the commit folder under <c>snapshots/</c>.
    /// </summary>
    public static string SampleSnapshot(string family, string repoId, string revision = "main")
    {
        var repo = Path.Combine(RepoRoot, "tasks", family, "sample", "hub", "datasets--" + repoId.Replace("/", "--", StringComparison.Ordinal));
        return Path.Combine(repo, "snapshots", File.ReadAllText(Path.Combine(repo, "refs", revision)).Trim());
    }

    /// <summary>
    /// Copies the embedded samples of <paramref name="families"/> into <paramref name="hubCache"/> as the hub cache
    /// holds real datasets (<c>datasets--org--name/{refs,snapshots}</c>), so a run of a real checkpoint finds "real"
    /// data there: the tests of such runs use this, since a real checkpoint never reads the embedded sample.
    /// </summary>
    public static string SamplesAsHubCache(string hubCache, params string[] families)
    {
        foreach (var family in families)
        {
            var hub = Path.Combine(RepoRoot, "tasks", family, "sample", "hub");
            foreach (var file in Directory.EnumerateFiles(hub, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(hubCache, Path.GetRelativePath(hub, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        }

        return hubCache;
    }

    /// <summary>
    /// A <c>--data-dir</c> holding each family's sample snapshot (revision <paramref name="revision"/>) as an
    /// <c>org/name</c> copy: the "real data" of tests that run a real checkpoint.
    /// </summary>
    public static string SamplesAsDataDir(string dataDir, params string[] families) => SamplesAsDataDirAt(dataDir, "main", families);

    public static string SamplesAsDataDirAt(string dataDir, string revision, params string[] families)
    {
        foreach (var family in families)
        {
            foreach (var repo in Directory.EnumerateDirectories(Path.Combine(RepoRoot, "tasks", family, "sample", "hub")))
            {
                var repoId = Path.GetFileName(repo)["datasets--".Length..].Replace("--", "/", StringComparison.Ordinal);
                var snapshot = SampleSnapshot(family, repoId, revision);
                foreach (var file in Directory.EnumerateFiles(snapshot, "*", SearchOption.AllDirectories))
                {
                    var target = Path.Combine(dataDir, repoId, Path.GetRelativePath(snapshot, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(file, target, overwrite: true);
                }
            }
        }

        return dataDir;
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
