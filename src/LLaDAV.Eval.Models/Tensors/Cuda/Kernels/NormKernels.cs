namespace LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

/// <summary>
/// Row-wise kernels, one block per row (blockDim a multiple of 32): RMSNorm, LayerNorm and softmax, all accumulating
/// in fp32 like the CPU backend. Every thread finishes reading its elements before the reduction's barrier, so the
/// output may alias the input.
/// </summary>
internal static class NormKernels
{
    public static KernelSource Module { get; } = new("norms", """
        /* HF LlamaRMSNorm: x · rsqrt(mean(x²) + eps) · weight */
        extern "C" __global__ void rms_norm(const float* x, const void* weight, int weight_bf16, float* out, int dim, float eps)
        {
            const float* row = x + (long long)blockIdx.x * dim;
            float* o = out + (long long)blockIdx.x * dim;
            float squares = 0.0f;
            for (int i = threadIdx.x; i < dim; i += blockDim.x) {
                float v = row[i];
                squares += v * v;
            }
            squares = block_sum(squares);
            float inv = 1.0f / sqrtf(squares / (float)dim + eps);
            for (int i = threadIdx.x; i < dim; i += blockDim.x) {
                o[i] = row[i] * inv * load_weight(weight, weight_bf16, i);
            }
        }

        /* torch LayerNorm: biased variance of the centred row, then affine weight and bias. */
        extern "C" __global__ void layer_norm(const float* x, const void* weight, const void* bias, int params_bf16, float* out, int dim, float eps)
        {
            const float* row = x + (long long)blockIdx.x * dim;
            float* o = out + (long long)blockIdx.x * dim;
            float sum = 0.0f;
            for (int i = threadIdx.x; i < dim; i += blockDim.x) {
                sum += row[i];
            }
            float mean = block_sum(sum) / (float)dim;
            float squares = 0.0f;
            for (int i = threadIdx.x; i < dim; i += blockDim.x) {
                float c = row[i] - mean;
                squares += c * c;
            }
            float inv = 1.0f / sqrtf(block_sum(squares) / (float)dim + eps);
            for (int i = threadIdx.x; i < dim; i += blockDim.x) {
                o[i] = fmaf((row[i] - mean) * inv, load_weight(weight, params_bf16, i), load_weight(bias, params_bf16, i));
            }
        }

        /* In-place softmax per row; a row that is entirely -inf becomes zeros (as the CPU backend). */
        extern "C" __global__ void softmax_rows(float* x, int cols)
        {
            float* row = x + (long long)blockIdx.x * cols;
            float m = LLADAV_NEG_INF;
            for (int i = threadIdx.x; i < cols; i += blockDim.x) {
                m = fmaxf(m, row[i]);
            }
            m = block_max(m);
            if (m == LLADAV_NEG_INF) {
                for (int i = threadIdx.x; i < cols; i += blockDim.x) {
                    row[i] = 0.0f;
                }
                return;
            }
            float sum = 0.0f;
            for (int i = threadIdx.x; i < cols; i += blockDim.x) {
                float e = expf(row[i] - m);
                row[i] = e;
                sum += e;
            }
            float inv = 1.0f / block_sum(sum);
            for (int i = threadIdx.x; i < cols; i += blockDim.x) {
                row[i] *= inv;
            }
        }
        """);
}
