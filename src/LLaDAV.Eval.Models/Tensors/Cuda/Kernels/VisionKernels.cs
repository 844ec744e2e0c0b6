namespace LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

/// <summary>Vision-tower helpers: patch-embedding im2col and PyTorch bilinear interpolation (align_corners=False).</summary>
internal static class VisionKernels
{
    public static KernelSource Module { get; } = new("vision", """
        /* output[p, (c, ky, kx)] = image[c, py·patch + ky, px·patch + kx] over the patch grid (Conv2d weight order). */
        extern "C" __global__ void im2col_patches(const float* image, float* out, int channels, int height, int width, int patch)
        {
            int grid_w = width / patch;
            int cols = channels * patch * patch;
            long long total = (long long)(height / patch) * grid_w * cols;
            for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total; idx += (long long)gridDim.x * blockDim.x) {
                long long p = idx / cols;
                int col = (int)(idx - p * cols);
                int ch = col / (patch * patch);
                int ky = (col / patch) % patch;
                int kx = col % patch;
                int py = (int)(p / grid_w);
                int px = (int)(p % grid_w);
                out[idx] = image[(long long)ch * height * width + (long long)(py * patch + ky) * width + px * patch + kx];
            }
        }

        /* upsample_bilinear2d source coordinate: src = (dst + 0.5)·(in/out) − 0.5 clamped at 0, the neighbour capped at
           in−1. Explicit _rn intrinsics keep the CPU's rounding (no FMA contraction) so both pick the same taps. */
        __device__ __forceinline__ void source_coordinate(int dst, int in_size, int out_size, int* i0, int* i1, float* lambda)
        {
            float scale = __fdiv_rn((float)in_size, (float)out_size);
            float src = fmaxf(0.0f, __fsub_rn(__fmul_rn(__fadd_rn((float)dst, 0.5f), scale), 0.5f));
            int lo = (int)src;
            *i0 = lo;
            *i1 = lo < in_size - 1 ? lo + 1 : lo;
            *lambda = src - (float)lo;
        }

        extern "C" __global__ void bilinear_resize(const float* in, float* out, int height, int width, int out_height, int out_width, int channels)
        {
            long long total = (long long)out_height * out_width * channels;
            for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total; idx += (long long)gridDim.x * blockDim.x) {
                long long o = idx / channels;
                int ch = (int)(idx - o * channels);
                int y0, y1, x0, x1;
                float ly, lx;
                source_coordinate((int)(o / out_width), height, out_height, &y0, &y1, &ly);
                source_coordinate((int)(o % out_width), width, out_width, &x0, &x1, &lx);
                float a = in[((long long)y0 * width + x0) * channels + ch];
                float b = in[((long long)y0 * width + x1) * channels + ch];
                float c = in[((long long)y1 * width + x0) * channels + ch];
                float d = in[((long long)y1 * width + x1) * channels + ch];
                float hy = 1.0f - ly;
                float hx = 1.0f - lx;
                out[idx] = hy * (hx * a + lx * b) + ly * (hx * c + lx * d);
            }
        }
        """);
}
