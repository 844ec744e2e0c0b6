namespace LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

/// <summary>
/// Helpers prepended to every kernel module. NVRTC has no CUDA headers here (no <c>cuda_bf16.h</c>), so bf16 is an
/// <c>unsigned short</c> holding the top half of an fp32 with round-to-nearest-even, exactly as
/// <see cref="DTypes.ToBFloat16Bits"/> rounds on the host.
/// </summary>
internal static class CommonKernels
{
    public const string Source = """
        typedef unsigned short bf16_t;

        #define LLADAV_NEG_INF __int_as_float(0xff800000)
        #define LLADAV_POS_INF __int_as_float(0x7f800000)
        #define LLADAV_FULL_MASK 0xffffffffu
        #define LLADAV_INT_MAX 0x7fffffff

        __device__ __forceinline__ float bf16_to_float(bf16_t v)
        {
            return __uint_as_float(((unsigned int)v) << 16);
        }

        __device__ __forceinline__ bf16_t float_to_bf16(float f)
        {
            unsigned int bits = __float_as_uint(f);
            if ((bits & 0x7fffffffu) > 0x7f800000u) {
                return (bf16_t)0x7fc0; /* canonical NaN */
            }
            unsigned int rounding = 0x7fffu + ((bits >> 16) & 1u);
            return (bf16_t)((bits + rounding) >> 16);
        }

        /* A weight operand (norm weight, bias, embedding table) stored as fp32 or bf16 (is_bf16 != 0). */
        __device__ __forceinline__ float load_weight(const void* p, int is_bf16, long long i)
        {
            return is_bf16 ? bf16_to_float(((const bf16_t*)p)[i]) : ((const float*)p)[i];
        }

        __device__ __forceinline__ float warp_sum(float v)
        {
            for (int o = 16; o > 0; o >>= 1) {
                v += __shfl_xor_sync(LLADAV_FULL_MASK, v, o);
            }
            return v;
        }

        __device__ __forceinline__ float warp_max(float v)
        {
            for (int o = 16; o > 0; o >>= 1) {
                v = fmaxf(v, __shfl_xor_sync(LLADAV_FULL_MASK, v, o));
            }
            return v;
        }

        __device__ __forceinline__ double warp_sum_f64(double v)
        {
            for (int o = 16; o > 0; o >>= 1) {
                v += __shfl_xor_sync(LLADAV_FULL_MASK, v, o);
            }
            return v;
        }

        /* Block-wide sum for blockDim.x a multiple of 32 (at most 1024); every thread gets the total. The leading
           barrier lets the same shared slots be reused by consecutive calls. */
        __device__ float block_sum(float v)
        {
            __shared__ float partial[32];
            int lane = threadIdx.x & 31;
            int warp = threadIdx.x >> 5;
            int warps = blockDim.x >> 5;
            v = warp_sum(v);
            __syncthreads();
            if (lane == 0) {
                partial[warp] = v;
            }
            __syncthreads();
            return warp_sum(lane < warps ? partial[lane] : 0.0f);
        }

        __device__ float block_max(float v)
        {
            __shared__ float partial[32];
            int lane = threadIdx.x & 31;
            int warp = threadIdx.x >> 5;
            int warps = blockDim.x >> 5;
            v = warp_max(v);
            __syncthreads();
            if (lane == 0) {
                partial[warp] = v;
            }
            __syncthreads();
            return warp_max(lane < warps ? partial[lane] : LLADAV_NEG_INF);
        }

        __device__ double block_sum_f64(double v)
        {
            __shared__ double partial[32];
            int lane = threadIdx.x & 31;
            int warp = threadIdx.x >> 5;
            int warps = blockDim.x >> 5;
            v = warp_sum_f64(v);
            __syncthreads();
            if (lane == 0) {
                partial[warp] = v;
            }
            __syncthreads();
            return warp_sum_f64(lane < warps ? partial[lane] : 0.0);
        }

        /* (value, index) order of torch.argmax/topk: larger value first, lower index on ties; NaN never wins. */
        __device__ __forceinline__ bool is_better(float v, int i, float best_v, int best_i)
        {
            return v > best_v || (v == best_v && i < best_i);
        }

        __device__ void block_best(float* value, int* index)
        {
            __shared__ float best_values[32];
            __shared__ int best_indices[32];
            int lane = threadIdx.x & 31;
            int warp = threadIdx.x >> 5;
            int warps = blockDim.x >> 5;
            float v = *value;
            int i = *index;
            for (int o = 16; o > 0; o >>= 1) {
                float ov = __shfl_xor_sync(LLADAV_FULL_MASK, v, o);
                int oi = __shfl_xor_sync(LLADAV_FULL_MASK, i, o);
                if (is_better(ov, oi, v, i)) { v = ov; i = oi; }
            }
            __syncthreads();
            if (lane == 0) {
                best_values[warp] = v;
                best_indices[warp] = i;
            }
            __syncthreads();
            v = lane < warps ? best_values[lane] : LLADAV_NEG_INF;
            i = lane < warps ? best_indices[lane] : LLADAV_INT_MAX;
            for (int o = 16; o > 0; o >>= 1) {
                float ov = __shfl_xor_sync(LLADAV_FULL_MASK, v, o);
                int oi = __shfl_xor_sync(LLADAV_FULL_MASK, i, o);
                if (is_better(ov, oi, v, i)) { v = ov; i = oi; }
            }
            *value = v;
            *index = i;
        }
        """;
}
