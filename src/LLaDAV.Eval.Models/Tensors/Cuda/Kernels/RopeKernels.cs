namespace LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

/// <summary>
/// NeoX rotate-half RoPE in place on <c>[T, heads·headDim]</c>. The angle is computed as the CPU backend's table does:
/// <c>inv_freq = 1 / theta^(2i/dim)</c> and <c>angle = position · inv_freq</c>, both in fp32 (HF LLaMA).
/// </summary>
internal static class RopeKernels
{
    public static KernelSource Module { get; } = new("rope", """
        extern "C" __global__ void rope_neox(float* x, int rows, int heads, int head_dim, int first_position, float theta)
        {
            int half = head_dim / 2;
            long long total = (long long)rows * heads * half;
            for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total; idx += (long long)gridDim.x * blockDim.x) {
                int i = (int)(idx % half);
                int h = (int)((idx / half) % heads);
                long long t = idx / ((long long)half * heads);
                /* theta^(2i/dim) evaluated in double and rounded once, so it equals the host's correctly rounded fp32
                   MathF.Pow (CUDA powf may be 2 ulp off, which at position 8k moves the angle by ~1e-3 rad). */
                float power = (float)pow((double)theta, (double)((float)(2 * i) / (float)head_dim));
                float inv_freq = 1.0f / power;
                float angle = __fmul_rn((float)(first_position + t), inv_freq);
                float c = cosf(angle);
                float s = sinf(angle);
                float* v = x + t * heads * head_dim + (long long)h * head_dim;
                /* q·cos + rotate_half(q)·sin with rotate_half(q) = [−q2, q1] */
                float x1 = v[i];
                float x2 = v[i + half];
                v[i] = x1 * c - x2 * s;
                v[i + half] = x2 * c + x1 * s;
            }
        }
        """);
}
