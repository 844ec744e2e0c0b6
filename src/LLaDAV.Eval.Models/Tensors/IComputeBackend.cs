namespace LLaDAV.Eval.Models.Tensors;

/// <summary>
/// The op set the language and vision towers run on (docs/ARCHITECTURE.md §4 tensor layer). Tensors live on the backend's
/// device; model code moves data only through <c>Upload</c>/<c>Write</c>/<c>Download</c>. All activations are
/// fp32 (<see cref="DType.F32"/>); weights keep whatever dtype the backend chose at upload (CPU widens to fp32, a GPU
/// backend may keep bf16), and every op that reads weights accepts that dtype. Outputs are caller-allocated so hot
/// loops reuse buffers; ops marked "in place" overwrite their input.
/// Row-major 2-D <c>[rows, features]</c> is the common layout; views from <see cref="Tensor.Rows"/> are accepted
/// everywhere.
/// </summary>
public interface IComputeBackend : IDisposable
{
    /// <summary>Device name as given on the command line, e.g. <c>cpu</c>.</summary>
    string Name { get; }

    /// <summary>One line describing the kernels in use (e.g. which GEMM), for logs and benchmarks.</summary>
    string Description { get; }

    /// <summary>
    /// True when <see cref="MatMul"/> gives each row of x the same bits whatever the other rows are (their number and
    /// the row's position). The language model packs several sequences into one GEMM only then, so that batching
    /// never changes a sequence's tokens; otherwise it runs one GEMM per sequence (README, "Batching").
    /// </summary>
    bool RowInvariantMatMul { get; }

    // ---- memory ----

    /// <summary>A zero-filled tensor.</summary>
    Tensor Allocate(TensorShape shape, DType dtype = DType.F32);

    Tensor Upload(ReadOnlySpan<float> data, TensorShape shape);

    Tensor Upload(ReadOnlySpan<int> data, TensorShape shape);

    /// <summary>Uploads raw little-endian weights (bf16/f16/f32); the backend picks its storage dtype.</summary>
    Tensor UploadWeights(ReadOnlySpan<byte> data, DType sourceType, TensorShape shape);

    void Write(Tensor destination, ReadOnlySpan<float> data);

    void Write(Tensor destination, ReadOnlySpan<int> data);

    void Download(Tensor source, Span<float> destination);

    void Download(Tensor source, Span<int> destination);

    /// <summary>Element copy between tensors of equal length (slices, concatenation into row views, cache writes).</summary>
    void Copy(Tensor source, Tensor destination);

    // ---- linear algebra ----

    /// <summary><c>output[M,N] = x[M,K] · weightᵀ (+ bias)</c>, weight stored PyTorch-style <c>[N,K]</c>.</summary>
    void MatMul(Tensor x, Tensor weight, Tensor output, Tensor? bias = null);

    /// <summary>
    /// <c>output[b] = a[b] · (transposeB ? b[b]ᵀ : b[b])</c> for 3-D <c>a [B,M,K]</c>, <c>b [B,K,N]</c> or <c>[B,N,K]</c>.
    /// </summary>
    void BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB);

    // ---- normalisation and activations ----

    /// <summary>LLaMA RMSNorm in fp32: <c>x · rsqrt(mean(x²) + eps) · weight</c> per row.</summary>
    void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output);

    /// <summary>LayerNorm with affine weight and bias per row (biased variance, as torch).</summary>
    void LayerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor output);

    /// <summary>
    /// In place NeoX "rotate_half" RoPE on <c>x [T, heads·headDim]</c>; row t has position <c>firstPosition + t</c>;
    /// <c>inv_freq[i] = theta^(−2i/headDim)</c> and angles in fp32 as HF LLaMA computes them.
    /// </summary>
    void ApplyRope(Tensor x, int heads, int headDim, int firstPosition, float theta);

    /// <summary>In place softmax over each row.</summary>
    void Softmax(Tensor x);

    /// <summary><c>output = silu(gate) · up</c> (SwiGLU).</summary>
    void SiluMul(Tensor gate, Tensor up, Tensor output);

    void Gelu(Tensor x, Tensor output, GeluKind kind);

    /// <summary>In place <c>x[r,:] += bias</c> for every row.</summary>
    void AddBias(Tensor x, Tensor bias);

    /// <summary><c>output = a + b</c> elementwise (residual adds; output may alias a).</summary>
    void Add(Tensor a, Tensor b, Tensor output);

    /// <summary><c>output = a · b</c> elementwise.</summary>
    void Multiply(Tensor a, Tensor b, Tensor output);

    /// <summary>In place <c>x *= factor</c>.</summary>
    void Scale(Tensor x, float factor);

    // ---- indexing ----

    /// <summary><c>output[t,:] = table[ids[t],:]</c>; ids is an I32 vector.</summary>
    void Embedding(Tensor table, Tensor ids, Tensor output);

    // ---- attention ----

    /// <summary>Softmax(q·kᵀ·scale [+ causal mask])·v per head (fp32 softmax); see <see cref="AttentionSpec"/>.</summary>
    void Attention(Tensor q, Tensor k, Tensor v, Tensor output, AttentionSpec spec);

    // ---- selection ----

    /// <summary>Index of the first maximum of each row, into an I32 vector.</summary>
    void ArgMax(Tensor x, Tensor output);

    /// <summary>The k largest values of each row, descending (ties: lower index first), as I32 indices and fp32 values.</summary>
    void TopK(Tensor x, int k, Tensor indices, Tensor values);

    /// <summary>
    /// The diffusion sampler's greedy scoring of each row (docs/LLADAV-MODEL.md §6.2 steps 3–4, temperature 0,
    /// low_confidence): the <paramref name="forbidden"/> columns become −∞ (written into <paramref name="logits"/>),
    /// <c>ids[r]</c> is the first maximum and <c>confidence[r]</c> its softmax probability evaluated in fp64. Only
    /// these two numbers per row reach the host, not a vocabulary-wide row of logits.
    /// </summary>
    void ScoreRows(Tensor logits, ReadOnlySpan<int> forbidden, Span<int> ids, Span<double> confidence);

    // ---- vision helpers ----

    /// <summary>
    /// Conv-as-GEMM: unfolds a CHW image <c>[C,H,W]</c> into non-overlapping <c>patch×patch</c> patches, row-major over
    /// the patch grid, each row ordered (c, ky, kx) to match a Conv2d weight <c>[out, C, p, p]</c> viewed as
    /// <c>[out, C·p·p]</c>. Output <c>[(H/p)·(W/p), C·p·p]</c>.
    /// </summary>
    void Im2ColPatches(Tensor image, int patch, Tensor output);

    /// <summary>
    /// PyTorch <c>F.interpolate(mode="bilinear", align_corners=False)</c> on a feature map stored as tokens
    /// <c>[H·W, C]</c> (row-major grid); output <c>[outH·outW, C]</c>.
    /// </summary>
    void BilinearResize(Tensor input, int height, int width, int outHeight, int outWidth, Tensor output);
}
