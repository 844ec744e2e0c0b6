namespace LLaDAV.Eval.Models.Tensors.Cuda;

public sealed partial class CudaBackend
{
    public void ArgMax(Tensor x, Tensor output)
    {
        OpContracts.ArgMax(x, output);
        Launch("argmax_rows", (uint)x.RowCount, 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(Pointer(output)), Arg(x.RowLength));
    }

    public void TopK(Tensor x, int k, Tensor indices, Tensor values)
    {
        OpContracts.TopK(x, k, indices, values);
        if (k > 0)
        {
            Launch("topk_rows", (uint)x.RowCount, 1, ThreadsPerBlock, Arg(Pointer(x)), Arg(x.RowLength), Arg(k), Arg(Pointer(indices)), Arg(Pointer(values)));
        }
    }

    public void ScoreRows(Tensor logits, ReadOnlySpan<int> forbidden, Span<int> ids, Span<double> confidence)
    {
        OpContracts.ScoreRows(logits, forbidden, ids.Length, confidence.Length);
        if (ids.IsEmpty)
        {
            return;
        }

        if (!forbidden.IsEmpty)
        {
            using var columns = Upload(forbidden, new TensorShape(forbidden.Length));
            var count = (long)logits.RowCount * forbidden.Length;
            Launch("fill_columns_neg_inf", Blocks(count), 1, ThreadsPerBlock, Arg(Pointer(logits)), Arg(logits.RowCount), Arg(logits.RowLength), Arg(Pointer(columns)), Arg(forbidden.Length));
        }

        using var chosen = Allocate(new TensorShape(logits.RowCount), DType.I32);
        ArgMax(logits, chosen);
        SoftmaxConfidence(logits, chosen, confidence);
        Download(chosen, ids);
    }

    /// <summary>
    /// <c>confidence[r] = softmax(logits[r])[chosen[r]]</c> in fp64 on the device (docs/LLADAV-MODEL.md §6), so only one
    /// double per row crosses to the host instead of a vocabulary-wide row.
    /// </summary>
    private void SoftmaxConfidence(Tensor logits, Tensor chosen, Span<double> confidence)
    {
        using var result = new DeviceMemory(_context, (long)confidence.Length * sizeof(double));
        Launch("softmax_confidence_f64", (uint)logits.RowCount, 1, ThreadsPerBlock, Arg(Pointer(logits)), Arg(Pointer(chosen)), Arg(result.Pointer), Arg(logits.RowLength));
        unsafe
        {
            fixed (double* p = confidence)
            {
                _context.Driver.Check(_context.Driver.MemcpyDtoHAsync(p, result.Pointer, (nuint)(confidence.Length * sizeof(double)), _context.Stream), "cuMemcpyDtoHAsync");
                _context.Driver.Check(_context.Driver.StreamSynchronize(_context.Stream), "cuStreamSynchronize");
            }
        }
    }
}
