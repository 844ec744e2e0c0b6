namespace LLaDAV.Eval.Models.Tensors.Cuda;

public sealed partial class CudaBackend
{
    public void Im2ColPatches(Tensor image, int patch, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        Require(image.Shape.Rank == 3, $"Im2ColPatches: image should be [C, H, W], got {image.Shape}.");
        Require(patch > 0, "Im2ColPatches: patch must be positive.");
        int c = image.Shape[0], h = image.Shape[1], w = image.Shape[2];
        int gh = h / patch, gw = w / patch, cols = c * patch * patch;
        Require(output.RowCount == gh * gw && output.RowLength == cols, $"Im2ColPatches: output should be [{gh * gw}, {cols}], got {output.Shape}.");
        Expect(image, DType.F32);
        Expect(output, DType.F32);
        Launch("im2col_patches", Blocks(output.Length), 1, ThreadsPerBlock, Arg(Pointer(image)), Arg(Pointer(output)), Arg(c), Arg(h), Arg(w), Arg(patch));
    }

    public void BilinearResize(Tensor input, int height, int width, int outHeight, int outWidth, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var channels = input.RowLength;
        Require(input.RowCount == height * width, $"BilinearResize: input {input.Shape} is not {height}×{width} tokens.");
        Require(output.RowCount == outHeight * outWidth && output.RowLength == channels, $"BilinearResize: output should be [{outHeight * outWidth}, {channels}].");
        Expect(input, DType.F32);
        Expect(output, DType.F32);
        Launch("bilinear_resize", Blocks(output.Length), 1, ThreadsPerBlock, Arg(Pointer(input)), Arg(Pointer(output)), Arg(height), Arg(width), Arg(outHeight), Arg(outWidth), Arg(channels));
    }
}
