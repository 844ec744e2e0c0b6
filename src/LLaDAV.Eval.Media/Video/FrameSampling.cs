namespace LLaDAV.Eval.Media.Video;

/// <summary>Which frames a video model sees.</summary>
public static class FrameSampling
{
    /// <summary>lmms-eval's LLaVA-OneVision wrapper samples 32 frames per video (<c>max_frames_num</c>).</summary>
    public const int DefaultFrameCount = 32;

    /// <summary>
    /// <c>np.linspace(0, totalFrames - 1, count, dtype=int)</c> as lmms-eval's <c>llava_onevision.py</c> <c>load_video</c>
    /// calls it: numpy computes <c>i * step</c> in float64 with <c>step = (stop - start) / (count - 1)</c>, pins the last
    /// value to <c>stop</c>, then truncates to int. Indices repeat when the video has fewer frames than requested.
    /// </summary>
    public static int[] UniformIndices(int totalFrames, int count = DefaultFrameCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalFrames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var stop = (double)(totalFrames - 1);
        var indices = new int[count];
        if (count == 1)
        {
            return indices; // numpy: div = 0, so y = [0 * delta] + start
        }

        var div = count - 1;
        var step = stop / div;
        for (var i = 0; i < count; i++)
        {
            // numpy's step == 0 branch computes (i / div) * delta, which is 0 as well.
            var y = step == 0 ? (i / (double)div) * stop : i * step;
            indices[i] = (int)Math.Floor(y);
        }

        indices[count - 1] = totalFrames - 1;
        return indices;
    }
}
