namespace LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

/// <summary>
/// Fused scaled-dot-product attention with the online softmax of FlashAttention (Dao et al., 2022, "FlashAttention:
/// Fast and Memory-Efficient Exact Attention with IO-Awareness", Algorithm 1; Milakov &amp; Gimelshein, 2018, "Online
/// normalizer calculation for softmax"): keys and values stream through shared memory in tiles of 32, each query keeps
/// a running maximum m, a running sum l and an unnormalised output; when a tile raises the maximum to m', the sum and
/// the output are rescaled by exp(m − m'). Memory is O(L): no Tq×Tk score matrix is ever written, so 2k–8k-token
/// bidirectional sequences cost only the O(L·d) inputs.
/// Layout matches <see cref="AttentionSpec"/>: q <c>[Tq, H·d]</c>, k/v <c>[Tk, Hkv·d]</c>, output <c>[Tq, H·d]</c>; query i is
/// position Tk − Tq + i, so a causal mask lets it see keys 0..Tk−Tq+i (KV-cache decoding and a cached Fast-dLLM
/// prefix); query head h reads kv head h / (H / Hkv) (GQA, HF repeat_kv).
/// Grid: (ceil(Tq / 8), H); block: 8 warps, one query row per warp; in a tile each lane scores one key.
/// </summary>
internal static class AttentionKernels
{
    /// <summary>Largest head dimension the kernel's shared-memory tiles hold (LLaMA/LLaDA use 128, SigLIP 72).</summary>
    public const int MaxHeadDim = 128;

    public const int QueryRowsPerBlock = 8;

    public static KernelSource Module { get; } = new("attention", """
        #define ATTN_TILE 32
        #define ATTN_QROWS 8
        #define ATTN_MAX_DIM 128
        #define ATTN_PER_LANE (ATTN_MAX_DIM / 32)

        extern "C" __global__ void __launch_bounds__(256) attention_flash(
            const float* q, const float* k, const float* v, float* out,
            int tq, int tk, int heads, int kv_heads, int head_dim, float scale, int causal)
        {
            __shared__ float k_tile[ATTN_TILE][ATTN_MAX_DIM + 1]; /* +1: lane j reads row j without bank conflicts */
            __shared__ float v_tile[ATTN_TILE][ATTN_MAX_DIM];
            __shared__ float q_rows[ATTN_QROWS][ATTN_MAX_DIM];

            int lane = threadIdx.x & 31;
            int warp = threadIdx.x >> 5;
            int h = blockIdx.y;
            int g = h / (heads / kv_heads);
            int row = blockIdx.x * ATTN_QROWS + warp;
            bool active = row < tq; /* uniform across the warp, so warp shuffles stay convergent */
            long long q_width = (long long)heads * head_dim;
            long long kv_width = (long long)kv_heads * head_dim;
            int offset = tk - tq;

            for (int e = lane; e < head_dim; e += 32) {
                q_rows[warp][e] = active ? q[row * q_width + (long long)h * head_dim + e] : 0.0f;
            }

            float acc[ATTN_PER_LANE]; /* output dims lane, lane+32, lane+64, lane+96 */
            #pragma unroll
            for (int j = 0; j < ATTN_PER_LANE; j++) {
                acc[j] = 0.0f;
            }
            float m = LLADAV_NEG_INF;
            float l = 0.0f;

            int last_row = min(tq - 1, (int)blockIdx.x * ATTN_QROWS + ATTN_QROWS - 1);
            int key_end = causal ? min(tk, offset + last_row + 1) : tk;
            for (int start = 0; start < key_end; start += ATTN_TILE) {
                __syncthreads(); /* the previous tile has been consumed by every warp */
                for (int idx = threadIdx.x; idx < ATTN_TILE * head_dim; idx += blockDim.x) {
                    int j = idx / head_dim;
                    int e = idx - j * head_dim;
                    int key = start + j;
                    float kk = 0.0f;
                    float vv = 0.0f;
                    if (key < tk) {
                        long long p = key * kv_width + (long long)g * head_dim + e;
                        kk = k[p];
                        vv = v[p];
                    }
                    k_tile[j][e] = kk;
                    v_tile[j][e] = vv;
                }
                __syncthreads();
                if (!active) {
                    continue;
                }

                int key = start + lane;
                bool visible = key < tk && (!causal || key <= offset + row);
                float s = LLADAV_NEG_INF;
                if (visible) {
                    float dot = 0.0f;
                    for (int e = 0; e < head_dim; e++) {
                        dot += q_rows[warp][e] * k_tile[lane][e];
                    }
                    s = dot * scale;
                }
                float m_new = fmaxf(m, warp_max(s));
                if (m_new == LLADAV_NEG_INF) {
                    continue; /* nothing visible yet for this query */
                }
                float correction = expf(m - m_new); /* 0 on the first visible tile (m = -inf) */
                float p = visible ? expf(s - m_new) : 0.0f;
                l = l * correction + warp_sum(p);
                #pragma unroll
                for (int j = 0; j < ATTN_PER_LANE; j++) {
                    acc[j] *= correction;
                }
                for (int jj = 0; jj < ATTN_TILE; jj++) {
                    float pj = __shfl_sync(LLADAV_FULL_MASK, p, jj);
                    #pragma unroll
                    for (int j = 0; j < ATTN_PER_LANE; j++) {
                        int e = lane + 32 * j;
                        if (e < head_dim) {
                            acc[j] += pj * v_tile[jj][e];
                        }
                    }
                }
                m = m_new;
            }

            if (active) {
                float inv = l > 0.0f ? 1.0f / l : 0.0f;
                #pragma unroll
                for (int j = 0; j < ATTN_PER_LANE; j++) {
                    int e = lane + 32 * j;
                    if (e < head_dim) {
                        out[row * q_width + (long long)h * head_dim + e] = acc[j] * inv;
                    }
                }
            }
        }
        """);
}
