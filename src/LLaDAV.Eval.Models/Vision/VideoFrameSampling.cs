namespace LLaDAV.Eval.Models.Vision;

/// <summary>Which frames of a video the LLaVA-OneVision evaluator feeds the model (docs/LLADAV-MODEL.md §4.4).</summary>
public static class VideoFrameSampling
{
    /// <summary>lmms-eval's default <c>max_frames_num</c> for LLaDA-V.</summary>
    public const int DefaultMaxFrames = 32;

    /// <summary>
    /// lmms-eval <c>llava_onevision.load_video</c>:
    /// <c>np.linspace(0, total_frame_num - 1, max_frames_num, dtype=int)</c> — float64 <c>i · step</c> with
    /// <c>step = (total − 1) / (n − 1)</c>, the last sample set to <c>total − 1</c> exactly (endpoint), then
    /// truncated; short videos repeat frames.
    /// </summary>
    public static int[] UniformIndices(int totalFrames, int maxFrames = DefaultMaxFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalFrames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrames);
        if (maxFrames == 1)
        {
            return [0];
        }

        double stop = totalFrames - 1;
        var step = stop / (maxFrames - 1);
        var indices = new int[maxFrames];
        for (var i = 0; i < maxFrames - 1; i++)
        {
            // numpy: when step == 0 it divides then multiplies (y / div * delta); both give 0 here.
            indices[i] = (int)(i * step);
        }

        indices[^1] = (int)stop;
        return indices;
    }
}
