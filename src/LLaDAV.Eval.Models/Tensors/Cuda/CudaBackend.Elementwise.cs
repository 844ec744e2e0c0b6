namespace LLaDAV.Eval.Models.Tensors.Cuda;

public sealed partial class CudaBackend
{
    public void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output)
    {
        var d = OpContracts.RmsNorm(x, weight, output);
        Expect(x, DType.F32);
        Expect(output, DType.F32);
        Launch("rms_norm", (uint)x.RowCount, 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(Pointer(weight)), Arg(WeightFlag(weight)), Arg(Pointer(output)), Arg(d), Arg(eps));
    }

    public void LayerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        ArgumentNullException.ThrowIfNull(output);
        var d = x.RowLength;
        Require(weight.Length == d && bias.Length == d && output.Length == x.Length, "LayerNorm: shapes disagree.");
        Require(weight.DType == bias.DType, $"LayerNorm: weight {weight.DType} and bias {bias.DType} should share a dtype.");
        Expect(x, DType.F32);
        Expect(output, DType.F32);
        Launch("layer_norm", (uint)x.RowCount, 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(Pointer(weight)), Arg(Pointer(bias)), Arg(WeightFlag(weight)), Arg(Pointer(output)), Arg(d), Arg(eps));
    }

    public void ApplyRope(Tensor x, int heads, int headDim, int firstPosition, float theta)
    {
        ArgumentNullException.ThrowIfNull(x);
        Require(headDim % 2 == 0 && x.RowLength == heads * headDim, $"ApplyRope: rows of {x.Shape} are not {heads}×{headDim}.");
        ArgumentOutOfRangeException.ThrowIfNegative(firstPosition);
        Expect(x, DType.F32);
        var pairs = (long)x.RowCount * heads * (headDim / 2);
        Launch("rope_neox", Blocks(pairs), 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(x.RowCount), Arg(heads), Arg(headDim), Arg(firstPosition), Arg(theta));
    }

    public void Softmax(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Expect(x, DType.F32);
        if (x.RowLength > 0)
        {
            Launch("softmax_rows", (uint)x.RowCount, 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(x.RowLength));
        }
    }

    public void SiluMul(Tensor gate, Tensor up, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(up);
        ArgumentNullException.ThrowIfNull(output);
        Require(gate.Length == up.Length && up.Length == output.Length, "SiluMul: lengths disagree.");
        Elementwise("silu_mul_f32", gate.Length, Pointer(F32(gate)), Pointer(F32(up)), Pointer(F32(output)));
    }

    public void Gelu(Tensor x, Tensor output, GeluKind kind)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(output);
        Require(x.Length == output.Length, "Gelu: lengths disagree.");
        var kernel = kind == GeluKind.Erf ? "gelu_erf_f32" : "gelu_tanh_f32";
        Launch(kernel, Blocks(x.Length), 1, ThreadsPerBlock, Arg(Pointer(F32(x))), Arg(Pointer(F32(output))), Arg(x.Length));
    }

    public void AddBias(Tensor x, Tensor bias)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(bias);
        Require(bias.Length == x.RowLength, $"AddBias: bias {bias.Shape} does not match rows of {x.Shape}.");
        Expect(x, DType.F32);
        if (x.RowLength > 0)
        {
            Launch("add_bias_f32", Blocks(x.Length), 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(Pointer(bias)), Arg(WeightFlag(bias)), Arg(x.Length), Arg(x.RowLength));
        }
    }

    public void Add(Tensor a, Tensor b, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(output);
        Require(a.Length == b.Length && b.Length == output.Length, "Add: lengths disagree.");
        Mixed("add_f32", a, b, output);
    }

    public void Multiply(Tensor a, Tensor b, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(output);
        Require(a.Length == b.Length && b.Length == output.Length, "Multiply: lengths disagree.");
        Mixed("mul_f32", a, b, output);
    }

    public void Scale(Tensor x, float factor)
    {
        ArgumentNullException.ThrowIfNull(x);
        Launch("scale_f32", Blocks(x.Length), 1, ThreadsPerBlock, Arg(Pointer(F32(x))), Arg(factor), Arg(x.Length));
    }

    /// <summary>
    /// <c>output[t,:] = table[ids[t],:]</c>. The ids are read back and range-checked on the host first, so a bad id
    /// raises the same <see cref="ArgumentOutOfRangeException"/> as the CPU backend instead of reading out of bounds.
    /// </summary>
    public void Embedding(Tensor table, Tensor ids, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(output);
        var d = table.RowLength;
        var count = checked((int)ids.Length);
        Require(output.RowCount == count && output.RowLength == d, $"Embedding: output {output.Shape} should be [{count}, {d}].");
        Expect(output, DType.F32);
        var host = new int[count];
        Download(ids, host);
        for (var t = 0; t < count; t++)
        {
            if ((uint)host[t] >= (uint)table.RowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"Token id {host[t]} at position {t} is outside the embedding table of {table.RowCount} rows.");
            }
        }

        Launch("embedding_gather", Blocks(output.Length), 1, ThreadsPerBlock, Arg(Pointer(table)), Arg(WeightFlag(table)), Arg(Pointer(ids)), Arg(Pointer(output)), Arg(output.Length), Arg(d));
    }

    private void Elementwise(string kernel, long n, ulong a, ulong b, ulong output) =>
        Launch(kernel, Blocks(n), 1, ThreadsPerBlock, Arg(a), Arg(b), Arg(output), Arg(n));

    /// <summary>A binary op whose operands are fp32 activations or weights kept in bf16; the output is fp32.</summary>
    private void Mixed(string kernel, Tensor a, Tensor b, Tensor output) =>
        Launch(kernel, Blocks(a.Length), 1, ThreadsPerBlock, Arg(Pointer(a)), Arg(WeightFlag(a)), Arg(Pointer(b)), Arg(WeightFlag(b)), Arg(Pointer(F32(output))), Arg(a.Length));

    private static Tensor F32(Tensor t)
    {
        Expect(t, DType.F32);
        return t;
    }
}
