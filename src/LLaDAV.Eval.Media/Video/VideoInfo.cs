namespace LLaDAV.Eval.Media.Video;

/// <summary>The first video stream of a file, as ffprobe reports it.</summary>
/// <param name="FrameCount">The stream's <c>nb_frames</c>, or the decoded count (<c>-count_frames</c>) when the container has none.</param>
/// <param name="FramesPerSecond"><c>avg_frame_rate</c> (falling back to <c>r_frame_rate</c>); 0 when unknown.</param>
/// <param name="DurationSeconds">The stream duration, else the container's; 0 when unknown.</param>
public sealed record VideoInfo(string Path, string Codec, int Width, int Height, int FrameCount, double FramesPerSecond, double DurationSeconds);

/// <summary>One decoded frame and its index in decode (presentation) order.</summary>
public sealed record VideoFrame(int Index, Images.RgbImage Image);

/// <summary>How <see cref="VideoReader"/> reaches the wanted frames.</summary>
public enum VideoDecodeMethod
{
    /// <summary>Seek to the keyframe before each wanted frame and decode from there (cost follows frames wanted).</summary>
    Seek,

    /// <summary>Decode every frame and keep the wanted ones (cost follows the video's length); the reference.</summary>
    FullDecode,
}

/// <summary>The video stream's packet timestamps in presentation order, keyframe flags, and its time base (decord's frame index).</summary>
/// <param name="Complete">False when some packet had no pts or the time base is unknown: frames cannot be found by time.</param>
public sealed record PacketTimes(long[] Pts, bool[] Key, long TimeBaseNum, long TimeBaseDen, bool Complete)
{
    /// <summary>
    /// The index from packets in file order, sorted by pts as decord sorts its frame index
    /// (<c>VideoReader::IndexKeyframes</c>); incomplete when a packet had no pts or the time base is unknown.
    /// </summary>
    internal static PacketTimes FromPackets(List<(long Pts, bool Key)> packets, long timeBaseNum, long timeBaseDen, bool missingPts)
    {
        packets.Sort((x, y) => x.Pts.CompareTo(y.Pts));
        return new PacketTimes(
            [.. packets.Select(x => x.Pts)],
            [.. packets.Select(x => x.Key)],
            timeBaseNum,
            timeBaseDen,
            Complete: !missingPts && timeBaseNum > 0 && timeBaseDen > 0);
    }
}
