namespace LLaDAV.Eval.Media.Tests.Oracles;

/// <summary>Per-byte comparison statistics, for assertions with a stated tolerance and for readable failures.</summary>
internal sealed record PixelDiff(int MaxAbs, double MeanAbs, int Differing, int Total, int FirstIndex)
{
    public static PixelDiff Of(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int max = 0, differing = 0, first = -1;
        long sum = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs(expected[i] - actual[i]);
            if (d == 0)
            {
                continue;
            }

            differing++;
            sum += d;
            max = Math.Max(max, d);
            first = first < 0 ? i : first;
        }

        return new PixelDiff(max, (double)sum / expected.Length, differing, expected.Length, first);
    }

    public override string ToString() =>
        $"max |Δ| {MaxAbs}, mean |Δ| {MeanAbs:F4}, {Differing}/{Total} bytes differ (first at byte {FirstIndex})";
}
