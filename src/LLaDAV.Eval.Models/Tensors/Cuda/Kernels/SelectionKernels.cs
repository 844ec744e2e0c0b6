namespace LLaDAV.Eval.Models.Tensors.Cuda.Kernels;

/// <summary>
/// Sampler-side reductions, one block per row: argmax (first maximum, torch's tie rule), top-k in descending order
/// with ties to the lower index, and the diffusion sampler's confidence p(x0) = softmax(logits)[x0] evaluated in fp64
/// (docs/LLADAV-MODEL.md §6: <c>F.softmax(logits.to(torch.float64), dim=-1)</c>).
/// </summary>
internal static class SelectionKernels
{
    public static KernelSource Module { get; } = new("selection", """
        extern "C" __global__ void argmax_rows(const float* x, int* out, int cols)
        {
            const float* row = x + (long long)blockIdx.x * cols;
            float best = LLADAV_NEG_INF;
            int best_index = LLADAV_INT_MAX;
            for (int c = threadIdx.x; c < cols; c += blockDim.x) {
                float v = row[c];
                if (v > best) { best = v; best_index = c; }
            }
            block_best(&best, &best_index);
            if (threadIdx.x == 0) {
                out[blockIdx.x] = best_index == LLADAV_INT_MAX ? 0 : best_index; /* all -inf/NaN: index 0, as the CPU */
            }
        }

        /* k rounds of a block argmax over the elements ranked after the previous pick in (value desc, index asc)
           order: exact torch.topk(sorted=True) order without sorting the row. */
        extern "C" __global__ void topk_rows(const float* x, int cols, int k, int* indices, float* values)
        {
            __shared__ float picked_value;
            __shared__ int picked_index;
            const float* row = x + (long long)blockIdx.x * cols;
            float prev_v = LLADAV_POS_INF;
            int prev_i = -1;
            for (int r = 0; r < k; r++) {
                float best = LLADAV_NEG_INF;
                int best_index = LLADAV_INT_MAX;
                for (int c = threadIdx.x; c < cols; c += blockDim.x) {
                    float v = row[c];
                    bool after_previous = v < prev_v || (v == prev_v && c > prev_i);
                    if (after_previous && is_better(v, c, best, best_index)) { best = v; best_index = c; }
                }
                block_best(&best, &best_index);
                if (threadIdx.x == 0) {
                    picked_value = best;
                    picked_index = best_index;
                    indices[(long long)blockIdx.x * k + r] = best_index == LLADAV_INT_MAX ? -1 : best_index;
                    values[(long long)blockIdx.x * k + r] = best;
                }
                __syncthreads();
                prev_v = picked_value;
                prev_i = picked_index;
                __syncthreads();
            }
        }

        /* the sampler's forbidden ids: x[r, columns[j]] = -inf for every row r (one thread per (row, column) pair). */
        extern "C" __global__ void fill_columns_neg_inf(float* x, int rows, int cols, const int* columns, int count)
        {
            long long total = (long long)rows * count;
            for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
                x[(i / count) * cols + columns[i % count]] = LLADAV_NEG_INF;
            }
        }

        /* confidence[r] = exp(l[x0] - max) / Σ exp(l - max), in fp64 from fp32 logits. */
        extern "C" __global__ void softmax_confidence_f64(const float* logits, const int* chosen, double* confidence, int cols)
        {
            const float* row = logits + (long long)blockIdx.x * cols;
            float m = LLADAV_NEG_INF;
            for (int c = threadIdx.x; c < cols; c += blockDim.x) {
                m = fmaxf(m, row[c]);
            }
            double max_value = (double)block_max(m);
            double sum = 0.0;
            for (int c = threadIdx.x; c < cols; c += blockDim.x) {
                sum += exp((double)row[c] - max_value);
            }
            sum = block_sum_f64(sum);
            if (threadIdx.x == 0) {
                confidence[blockIdx.x] = exp((double)row[chosen[blockIdx.x]] - max_value) / sum;
            }
        }
        """);
}
