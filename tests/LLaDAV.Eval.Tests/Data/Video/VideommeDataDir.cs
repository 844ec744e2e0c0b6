using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.Video;

/// <summary>
/// A <c>--data-dir</c> holding the embedded Video-MME sample as a hub snapshot of lmms-eval/Video-MME
/// (<c>&lt;data-dir&gt;/lmms-eval/Video-MME</c>: the dataset card, the split under <c>videomme/</c>, the videos under
/// <c>data/</c>), so a run reads it the way it reads a downloaded copy instead of the sample folder.
/// </summary>
internal static class VideommeDataDir
{
    /// <summary>
    /// Copies the sample's split and card and the named videos of its <c>data/</c> folder (every video when none is
    /// named) under <paramref name="dataDir"/>.
    /// </summary>
    public static void Create(string dataDir, params string[] videos)
    {
        var sample = TestPaths.SampleSnapshot("videomme", "lmms-eval/Video-MME");
        var repo = Path.Combine(dataDir, "lmms-eval", "Video-MME");
        Directory.CreateDirectory(Path.Combine(repo, "videomme"));
        Directory.CreateDirectory(Path.Combine(repo, "data"));
        File.Copy(Path.Combine(sample, "videomme", "test-00000-of-00001.jsonl"), Path.Combine(repo, "videomme", "test-00000-of-00001.jsonl"));
        File.Copy(Path.Combine(sample, "README.md"), Path.Combine(repo, "README.md"));
        foreach (var video in videos.Length > 0 ? videos.Select(v => Path.Combine(sample, "data", v)) : Directory.GetFiles(Path.Combine(sample, "data")))
        {
            File.Copy(video, Path.Combine(repo, "data", Path.GetFileName(video)));
        }
    }
}
