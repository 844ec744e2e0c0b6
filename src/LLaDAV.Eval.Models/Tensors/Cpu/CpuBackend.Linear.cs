namespace LLaDAV.Eval.Models.Tensors.Cpu;

public sealed partial class CpuBackend
{
    public void MatMul(Tensor x, Tensor weight, Tensor output, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(output);
        var m = x.RowCount;
        var k = x.RowLength;
        var n = weight.RowCount;
        Require(weight.RowLength == k, $"MatMul: x {x.Shape} does not match weight {weight.Shape} (expects [N, {k}]).");
        Require(output.RowCount == m && output.RowLength == n, $"MatMul: output {output.Shape} should be [{m}, {n}].");
        _gemm.Sgemm(true, m, n, k, Array(x), x.Offset, k, Array(weight), weight.Offset, k, Array(output), output.Offset, n);
        if (bias is not null)
        {
            AddBias(output, bias);
        }
    }

    public void BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(output);
        Require(a.Shape.Rank == 3 && b.Shape.Rank == 3 && output.Shape.Rank == 3, "BatchedMatMul takes 3-D tensors.");
        var batch = a.Shape[0];
        int m = a.Shape[1], k = a.Shape[2];
        var n = transposeB ? b.Shape[1] : b.Shape[2];
        Require(b.Shape[0] == batch && (transposeB ? b.Shape[2] : b.Shape[1]) == k, $"BatchedMatMul: {a.Shape} and {b.Shape} do not match.");
        Require(output.Shape[0] == batch && output.Shape[1] == m && output.Shape[2] == n, $"BatchedMatMul: output {output.Shape} should be [{batch}, {m}, {n}].");
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
