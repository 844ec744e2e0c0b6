namespace LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

/// <summary>
/// Elementwise kernels with grid-stride loops (any length with a bounded grid). Each reads element i before writing
/// element i, so outputs may alias inputs as the CPU backend allows.
/// </summary>
internal static class ElementwiseKernels
{
    public static KernelSource Module { get; } = new("elementwise", """
        extern "C" __global__ void silu_mul_f32(const float* gate, const float* up, float* out, long long n)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
                float g = gate[i];
                out[i] = g / (1.0f + expf(-g)) * up[i];
            }
        }

        /* nn.GELU(): 0.5·x·(1 + erf(x/√2)) */
        extern "C" __global__ void gelu_erf_f32(const float* x, float* out, long long n)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
                float v = x[i];
                out[i] = 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
            }
        }

        /* gelu_pytorch_tanh: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
        extern "C" __global__ void gelu_tanh_f32(const float* x, float* out, long long n)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
                float v = x[i];
                out[i] = 0.5f * v * (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
            }
        }

        extern "C" __global__ void add_bias_f32(float* x, const void* bias, int bias_bf16, long long n, int cols)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
                x[i] += load_weight(bias, bias_bf16, i % cols);
            }
        }

        /* Either operand may be a bf16 weight (SigLIP position embeddings are added to fp32 activations). */
        extern "C" __global__ void add_f32(const void* a, int a_bf16, const void* b, int b_bf16, float* out, long long n)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
                out[i] = load_weight(a, a_bf16, i) + load_weight(b, b_bf16, i);
            }
        }

        extern "C" __global__ void mul_f32(const void* a, int a_bf16, const void* b, int b_bf16, float* out, long long n)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
                out[i] = load_weight(a, a_bf16, i) * load_weight(b, b_bf16, i);
            }
        }

        extern "C" __global__ void scale_f32(float* x, float factor, long long n)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
                x[i] *= factor;
            }
        }

        /* GEMM operand preparation: cuBLAS bf16 GEMMs need both operands in bf16. */
        extern "C" __global__ void f32_to_bf16(const float* x, bf16_t* out, long long n)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
                out[i] = float_to_bf16(x[i]);
            }
        }

        /* Copy of a bf16 weight into fp32 activations (e.g. image_newline into the feature rows): exact widening. */
        extern "C" __global__ void bf16_to_f32(const bf16_t* x, float* out, long long n)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
                out[i] = bf16_to_float(x[i]);
            }
        }

        /* output[t, :] = table[ids[t], :]; ids were range-checked on the host. */
        extern "C" __global__ void embedding_gather(const void* table, int table_bf16, const int* ids, float* out, long long n, int dim)
        {
            for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
                long long t = i / dim;
                int e = (int)(i - t * dim);
                out[i] = load_weight(table, table_bf16, (long long)ids[t] * dim + e);
            }
        }
        """);
}
