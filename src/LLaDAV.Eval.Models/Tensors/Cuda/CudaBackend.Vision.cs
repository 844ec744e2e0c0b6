namespace LLaDAV.Eval.Models.Tensors.Cuda;

public sealed partial class CudaBackend
{
    public void Im2ColPatches(Tensor image, int patch, Tensor output)
    {
        var (c, h, w) = OpContracts.Im2ColPatches(image, patch, output);
        Launch("im2col_patches", Blocks(output.Length), 1, ThreadsPerBlock, Arg(Pointer(image)), Arg(Pointer(output)), Arg(c), Arg(h), Arg(w), Arg(patch));
    }

    public void BilinearResize(Tensor input, int height, int width, int outHeight, int outWidth, Tensor output)
    {
        var channels = OpContracts.BilinearResize(input, height, width, outHeight, outWidth, output);
        Launch("bilinear_resize", Blocks(output.Length), 1, ThreadsPerBlock, Arg(Pointer(input)), Arg(Pointer(output)), Arg(height), Arg(width), Arg(outHeight), Arg(outWidth), Arg(channels));
    }
}
