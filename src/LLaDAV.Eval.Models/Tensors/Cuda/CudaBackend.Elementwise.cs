namespace LLaDAV.Eval.Models.Tensors.Cuda;

public sealed partial class CudaBackend
{
    public void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output)
    {
        var d = OpContracts.RmsNorm(x, weight, output);
        Launch("rms_norm", (uint)x.RowCount, 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(Pointer(weight)), Arg(WeightFlag(weight)), Arg(Pointer(output)), Arg(d), Arg(eps));
    }

    public void LayerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor output)
    {
        var d = OpContracts.LayerNorm(x, weight, bias, output);
        Launch("layer_norm", (uint)x.RowCount, 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(Pointer(weight)), Arg(Pointer(bias)), Arg(WeightFlag(weight)), Arg(Pointer(output)), Arg(d), Arg(eps));
    }

    public void ApplyRope(Tensor x, int heads, int headDim, int firstPosition, float theta)
    {
        OpContracts.ApplyRope(x, heads, headDim, firstPosition);
        var pairs = (long)x.RowCount * heads * (headDim / 2);
        Launch("rope_neox", Blocks(pairs), 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(x.RowCount), Arg(heads), Arg(headDim), Arg(firstPosition), Arg(theta));
    }

    public void Softmax(Tensor x)
    {
        OpContracts.Softmax(x);
        if (x.RowLength > 0)
        {
            Launch("softmax_rows", (uint)x.RowCount, 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(x.RowLength));
        }
    }

    public void SiluMul(Tensor gate, Tensor up, Tensor output)
    {
        OpContracts.SiluMul(gate, up, output);
        Elementwise("silu_mul_f32", gate.Length, Pointer(gate), Pointer(up), Pointer(output));
    }

    public void Gelu(Tensor x, Tensor output, GeluKind kind)
    {
        OpContracts.Gelu(x, output);
        var kernel = kind == GeluKind.Erf ? "gelu_erf_f32" : "gelu_tanh_f32";
        Launch(kernel, Blocks(x.Length), 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(Pointer(output)), Arg(x.Length));
    }

    public void AddBias(Tensor x, Tensor bias)
    {
        OpContracts.AddBias(x, bias);
        if (x.RowLength > 0)
        {
            Launch("add_bias_f32", Blocks(x.Length), 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(Pointer(bias)), Arg(WeightFlag(bias)), Arg(x.Length), Arg(x.RowLength));
        }
    }

    public void Add(Tensor a, Tensor b, Tensor output)
    {
        OpContracts.Add(a, b, output);
        Mixed("add_f32", a, b, output);
    }

    public void Multiply(Tensor a, Tensor b, Tensor output)
    {
        OpContracts.Multiply(a, b, output);
        Mixed("mul_f32", a, b, output);
    }

    public void Scale(Tensor x, float factor)
    {
        OpContracts.Scale(x);
        Launch("scale_f32", Blocks(x.Length), 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(factor), Arg(x.Length));
    }

    /// <summary>
    /// <c>output[t,:] = table[ids[t],:]</c>. The ids are read back and range-checked on the host first, so a bad id
    /// raises the same <see cref="ArgumentOutOfRangeException"/> as the CPU backend instead of reading out of bounds.
    /// </summary>
    public void Embedding(Tensor table, Tensor ids, Tensor output)
    {
        var d = OpContracts.Embedding(table, ids, output);
        var host = new int[checked((int)ids.Length)];
        Download(ids, host);
        OpContracts.EmbeddingIds(host, table.RowCount);

        Launch("embedding_gather", Blocks(output.Length), 1, ThreadsPerBlock, Arg(Pointer(table)), Arg(WeightFlag(table)), Arg(Pointer(ids)), Arg(Pointer(output)), Arg(output.Length), Arg(d));
    }

    private void Elementwise(string kernel, long n, ulong a, ulong b, ulong output) =>
        Launch(kernel, Blocks(n), 1, ThreadsPerBlock, Arg(a), Arg(b), Arg(output), Arg(n));

    /// <summary>A binary op whose operands are fp32 activations or weights kept in bf16; the output is fp32.</summary>
    private void Mixed(string kernel, Tensor a, Tensor b, Tensor output) =>
        Launch(kernel, Blocks(a.Length), 1, ThreadsPerBlock, Arg(Pointer(a)), Arg(WeightFlag(a)), Arg(Pointer(b)), Arg(WeightFlag(b)), Arg(Pointer(output)), Arg(a.Length));
}
