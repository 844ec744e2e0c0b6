namespace LLaDAV.Eval.Models.Tensors.Cpu;

public sealed partial class CpuBackend
{
    public void MatMul(Tensor x, Tensor weight, Tensor output, Tensor? bias = null)
    {
        var (m, n, k) = OpContracts.MatMul(x, weight, output, bias);
        if (weight.DType == DType.BF16)
        {
            MatMulBf16(x, weight, output, m, n, k);
        }
        else
        {
            _gemm.Sgemm(true, m, n, k, Array(x), x.Offset, k, Array(weight), weight.Offset, k, Array(output), output.Offset, n);
        }

        if (bias is not null)
        {
            AddBias(output, bias);
        }
    }

    public void BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB)
    {
        var (batch, m, n, k) = OpContracts.BatchedMatMul(a, b, output, transposeB);
        for (var i = 0; i < batch; i++)
        {
            _gemm.Sgemm(
                transposeB, m, n, k,
                Array(a), a.Offset + ((long)i * m * k), k,
                Array(b), b.Offset + ((long)i * n * k), transposeB ? k : n,
                Array(output), output.Offset + ((long)i * m * n), n);
        }
    }
}
