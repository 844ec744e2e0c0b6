namespace LLaDAV.Eval.Media.Video;

/// <summary>The first video stream of a file, as ffprobe reports it.</summary>
/// <param name="FrameCount">The stream's <c>nb_frames</c>, or the decoded count (<c>-count_frames</c>) when the container has none.</param>
/// <param name="FramesPerSecond"><c>avg_frame_rate</c> (falling back to <c>r_frame_rate</c>); 0 when unknown.</param>
/// <param name="DurationSeconds">The stream duration, else the container's; 0 when unknown.</param>
public sealed record VideoInfo(string Path, string Codec, int Width, int Height, int FrameCount, double FramesPerSecond, double DurationSeconds);

/// <summary>One decoded frame and its index in decode (presentation) order.</summary>
public sealed record VideoFrame(int Index, Images.RgbImage Image);
