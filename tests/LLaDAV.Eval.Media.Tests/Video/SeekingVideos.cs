namespace LLaDAV.Eval.Media.Tests.Video;

/// <summary>
/// Lossy videos with B-frames and a short keyframe interval, made with ffmpeg at test time, where seeking matters.
/// Frame n is one solid colour (R, G, B) = (16·(n mod 16) + 8, 128, 16·⌊n/16⌋ + 8) before H.264/VP8 coding: neighbours
/// differ by 16 levels, far more than coding error, so a decoded frame still tells which source frame it was.
/// </summary>
public sealed class SeekingVideos : IDisposable
{
    public const int Width = 64;
    public const int Height = 48;
    public const int Frames = 120;

    public SeekingVideos()
    {
        Directory.CreateDirectory(Folder);
        Cfr = Make("cfr.mp4", "-c:v", "libx264", "-g", "10", "-bf", "3", "-pix_fmt", "yuv420p");
        // Variable frame rate: frames 0-39 at 25 fps, 40-79 at 10 fps, 80-119 at 50 fps (in ticks of a 1/12800 time base: 512,
        // 1280, 256); avg_frame_rate is then no guide to where frame n is.
        Vfr = Make(
            "vfr.mp4",
            "-vf", "settb=1/12800,setpts='if(lt(N,40),N*512,if(lt(N,80),40*512+(N-40)*1280,40*512+40*1280+(N-80)*256))'",
            "-fps_mode", "passthrough", "-enc_time_base", "1/12800",
            "-c:v", "libx264", "-g", "10", "-bf", "3", "-pix_fmt", "yuv420p");
        // WebM: no nb_frames in the stream header, so the count comes from the packet index.
        Webm = Make("cfr.webm", "-c:v", "libvpx", "-g", "10", "-b:v", "300k");
        // Colour tags a converter must honour: BT.709 matrix, full range (ffmpeg's scale filter reads both from the frame).
        Tagged = Make("tagged.mp4", "-c:v", "libx264", "-g", "10", "-bf", "3", "-pix_fmt", "yuv420p", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "pc");
        // P-frames only and a keyframe exactly every 10 frames (no scene-cut keyframes): every frame is a reference, so
        // reaching frame n decodes every frame from the keyframe before it, and the frames decoded can be counted by hand.
        PframesOnly = Make("p-only.mp4", "-c:v", "libx264", "-g", "10", "-bf", "0", "-sc_threshold", "0", "-pix_fmt", "yuv420p");
        // MPEG-TS: no index; seeking is a search on timestamps.
        Ts = Make("vfr.ts", "-vf", "settb=1/12800,setpts='if(lt(N,60),N*512,60*512+(N-60)*1280)'", "-fps_mode", "passthrough", "-enc_time_base", "1/12800", "-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p");
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "lladav-seek-tests-" + Guid.NewGuid().ToString("N"));

    public string Cfr { get; }

    public string Vfr { get; }

    public string Webm { get; }

    public string Ts { get; }

    public string PframesOnly { get; }

    public string Tagged { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private string Make(string name, params string[] codec) =>
        FfmpegVideo.Generate(
            Path.Combine(Folder, name),
            $"color=c=black:s={Width}x{Height}:r=25,format=gbrp,geq=r='16*mod(N,16)+8':g='128':b='16*floor(N/16)+8'",
            Frames,
            codec);
}
