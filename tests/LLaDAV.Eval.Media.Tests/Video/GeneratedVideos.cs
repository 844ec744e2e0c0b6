namespace LLaDAV.Eval.Media.Tests.Video;

/// <summary>
/// Short lossless videos made with ffmpeg at test time. Frame n is one solid colour (R, G, B) = (2n, n, 255 - 2n), so a
/// decoded frame tells which index it was. FFV1 is lossless and RGB, so no colour-matrix rounding is involved.
/// </summary>
public sealed class GeneratedVideos : IDisposable
{
    public const int Width = 32;
    public const int Height = 16;

    public GeneratedVideos()
    {
        Directory.CreateDirectory(Folder);
        Mkv100 = Make("frames100.mkv", 100);
        Avi100 = Make("frames100.avi", 100);
        Mkv3 = Make("frames3.mkv", 3);
        Garbage = Path.Combine(Folder, "garbage.mp4");
        File.WriteAllBytes(Garbage, "this is not a video container at all, just text"u8.ToArray());
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "lladav-media-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Matroska: no <c>nb_frames</c> in the stream header, so the count comes from decoding.</summary>
    public string Mkv100 { get; }

    /// <summary>AVI: the stream header carries <c>nb_frames</c>.</summary>
    public string Avi100 { get; }

    public string Mkv3 { get; }

    public string Garbage { get; }

    public static (byte R, byte G, byte B) ColourOfFrame(int n) => ((byte)(2 * n), (byte)n, (byte)(255 - (2 * n)));

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private string Make(string name, int frames) =>
        FfmpegVideo.Generate(
            Path.Combine(Folder, name),
            $"color=c=black:s={Width}x{Height}:r=25,format=gbrp,geq=r='2*N':g='N':b='255-2*N'",
            frames,
            ["-c:v", "ffv1"]);
}
