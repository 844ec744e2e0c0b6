using System.Collections.Concurrent;

namespace LLaDAV.Eval.Models.Tensors.Cpu;

public sealed partial class CpuBackend
{
    private readonly ConcurrentDictionary<(float Theta, int HeadDim), RopeTable> _ropeTables = new();

    public void ApplyRope(Tensor x, int heads, int headDim, int firstPosition, float theta)
    {
        OpContracts.ApplyRope(x, heads, headDim, firstPosition);
        var table = _ropeTables.GetOrAdd((theta, headDim), key => new RopeTable(key.Theta, key.HeadDim));
        var (cos, sin) = table.Get(firstPosition + x.RowCount);
        var half = headDim / 2;
        ForRows(x.RowCount, x.RowLength, t =>
        {
            var row = MutableRow(x, t);
            var c = cos.AsSpan((firstPosition + t) * half, half);
            var s = sin.AsSpan((firstPosition + t) * half, half);
            for (var h = 0; h < heads; h++)
            {
                var v = row.Slice(h * headDim, headDim);
                for (var i = 0; i < half; i++)
                {
                    // q·cos + rotate_half(q)·sin with rotate_half(q) = [−q2, q1] (HF apply_rotary_pos_emb).
                    var x1 = v[i];
                    var x2 = v[i + half];
                    v[i] = (x1 * c[i]) - (x2 * s[i]);
                    v[i + half] = (x2 * c[i]) + (x1 * s[i]);
                }
            }
        });
    }

    /// <summary>cos/sin per (position, frequency), grown on demand. Angles are fp32 products as in HF LLaMA.</summary>
    private sealed class RopeTable(float theta, int headDim)
    {
        private readonly Lock _lock = new();
        private float[] _cos = [];
        private float[] _sin = [];
        private int _positions;

        public (float[] Cos, float[] Sin) Get(int positions)
        {
            lock (_lock)
            {
                if (positions > _positions)
                {
                    Grow(Math.Max(positions, _positions * 2));
                }

                return (_cos, _sin);
            }
        }

        private void Grow(int positions)
        {
            var half = headDim / 2;
            var invFreq = new float[half];
            for (var i = 0; i < half; i++)
            {
                // inv_freq = 1 / theta^(2i/dim) in fp32 (torch: base ** (arange(0, dim, 2).float() / dim)).
                invFreq[i] = 1f / MathF.Pow(theta, (2 * i) / (float)headDim);
            }

            var cos = new float[positions * half];
            var sin = new float[positions * half];
            for (var p = 0; p < positions; p++)
            {
                for (var i = 0; i < half; i++)
                {
                    var angle = p * invFreq[i];
                    cos[(p * half) + i] = MathF.Cos(angle);
                    sin[(p * half) + i] = MathF.Sin(angle);
                }
            }

            _cos = cos;
            _sin = sin;
            _positions = positions;
        }
    }
}
