using System.Numerics.Tensors;

namespace LLaDAV.Eval.Models.Tensors.Cpu;

public sealed partial class CpuBackend
{
    private const int SiluChunk = 512;

    public void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output)
    {
        var d = OpContracts.RmsNorm(x, weight, output);
        ForRows(x.RowCount, d, r =>
        {
            var xr = Row(x, r);
            var o = MutableRow(output, r);
            // HF LlamaRMSNorm: hidden * rsqrt(variance + eps), then weight * hidden (fp32 throughout here).
            var inv = 1f / MathF.Sqrt((TensorPrimitives.SumOfSquares(xr) / d) + eps);
            TensorPrimitives.Multiply(xr, inv, o);
            TensorPrimitives.Multiply(o, F(weight), o);
        });
    }

    public void LayerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor output)
    {
        var d = OpContracts.LayerNorm(x, weight, bias, output);
        ForRows(x.RowCount, d, r =>
        {
            var xr = Row(x, r);
            var o = MutableRow(output, r);
            var mean = TensorPrimitives.Sum(xr) / d;
            TensorPrimitives.Subtract(xr, mean, o);
            var variance = TensorPrimitives.SumOfSquares(o) / d;
            TensorPrimitives.Multiply(o, 1f / MathF.Sqrt(variance + eps), o);
            TensorPrimitives.FusedMultiplyAdd(o, F(weight), F(bias), o);
        });
    }

    public void Softmax(Tensor x)
    {
        OpContracts.Softmax(x);
        ForRows(x.RowCount, x.RowLength, r => SoftmaxInPlace(MutableRow(x, r)));
    }

    internal static void SoftmaxInPlace(Span<float> row)
    {
        var max = TensorPrimitives.Max(row);
        if (float.IsNegativeInfinity(max))
        {
            row.Clear();
            return;
        }

        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Exp(row, row);
        TensorPrimitives.Multiply(row, 1f / TensorPrimitives.Sum(row), row);
    }

    public void SiluMul(Tensor gate, Tensor up, Tensor output)
    {
        OpContracts.SiluMul(gate, up, output);
        ForRows(gate.RowCount, gate.RowLength, r =>
        {
            var o = MutableRow(output, r);
            var g = Row(gate, r);
            var u = Row(up, r);
            // silu(g) = g / (1 + exp(−g)) · u, in the scalar formula's operation order but vectorised by chunks (the
            // scalar loop was ~10 % of a bf16 decoder layer at LLaDA-8B's 12288-wide MLP); each chunk reads g before
            // writing o, so output may alias gate.
            Span<float> t = stackalloc float[SiluChunk];
            for (var i = 0; i < o.Length; i += SiluChunk)
            {
                var n = Math.Min(SiluChunk, o.Length - i);
                var tc = t[..n];
                var gc = g.Slice(i, n);
                TensorPrimitives.Negate(gc, tc);
                TensorPrimitives.Exp(tc, tc);
                TensorPrimitives.Add(tc, 1f, tc);
                TensorPrimitives.Divide(gc, tc, tc);
                TensorPrimitives.Multiply(tc, u.Slice(i, n), o.Slice(i, n));
            }
        });
    }

    public void Gelu(Tensor x, Tensor output, GeluKind kind)
    {
        OpContracts.Gelu(x, output);
        ForRows(x.RowCount, x.RowLength * 8, r =>
        {
            var xr = Row(x, r);
            var o = MutableRow(output, r);
            for (var i = 0; i < xr.Length; i++)
            {
                o[i] = kind == GeluKind.Erf ? SpecialFunctions.GeluErf(xr[i]) : SpecialFunctions.GeluTanh(xr[i]);
            }
        });
    }

    public void AddBias(Tensor x, Tensor bias)
    {
        OpContracts.AddBias(x, bias);
        ForRows(x.RowCount, x.RowLength, r =>
        {
            var o = MutableRow(x, r);
            TensorPrimitives.Add(o, F(bias), o);
        });
    }

    public void Add(Tensor a, Tensor b, Tensor output)
    {
        OpContracts.Add(a, b, output);
        if (a.DType == DType.BF16 || b.DType == DType.BF16)
        {
            // a bf16 weight operand (e.g. SigLIP's position embedding on the bf16 path) is widened exactly
            TensorPrimitives.Add(Widened(a), Widened(b), F(output));
            return;
        }

        TensorPrimitives.Add(F(a), F(b), F(output));
    }

    public void Multiply(Tensor a, Tensor b, Tensor output)
    {
        OpContracts.Multiply(a, b, output);
        if (a.DType == DType.BF16 || b.DType == DType.BF16)
        {
            TensorPrimitives.Multiply(Widened(a), Widened(b), F(output));
            return;
        }

        TensorPrimitives.Multiply(F(a), F(b), F(output));
    }

    public void Scale(Tensor x, float factor)
    {
        OpContracts.Scale(x);
        var s = F(x);
        TensorPrimitives.Multiply(s, factor, s);
    }

    public void Embedding(Tensor table, Tensor ids, Tensor output)
    {
        var d = OpContracts.Embedding(table, ids, output);
        var idSpan = I(ids);
        OpContracts.EmbeddingIds(idSpan, table.RowCount);
        for (var t = 0; t < idSpan.Length; t++)
        {
            var id = idSpan[t];
            if (table.DType == DType.BF16)
            {
                WidenBf16(H(table).Slice(id * d, d), MutableRow(output, t));
            }
            else
            {
                Row(table, id).CopyTo(MutableRow(output, t));
            }
        }
    }

    /// <summary>An fp32 view of a tensor: itself, or a widened copy of a bf16 weight.</summary>
    private static ReadOnlySpan<float> Widened(Tensor t)
    {
        if (t.DType != DType.BF16)
        {
            return F(t);
        }

        var copy = new float[t.Length];
        WidenBf16(H(t), copy);
        return copy;
    }
}
