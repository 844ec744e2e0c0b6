namespace LLaDAV.Eval.Models.Tensors;

/// <summary>
/// The shape and dtype contract of every <see cref="IComputeBackend"/> op, checked here once and called first by every
/// backend (CPU, CUDA), so a model bug gives the same <see cref="ArgumentException"/> and message whichever device
/// runs it (messages name shapes and dtypes, never the device), and no backend starts writing before its arguments
/// are known to be good (docs/ARCHITECTURE.md §4 "Adding an op"). The dtype rule is the interface's: activations and
/// outputs are fp32, ids and indices i32, and what a model loads as a weight (matrices, norm weights, biases,
/// embedding tables, elementwise operands) fp32 or bf16. Limits of one backend (the CUDA attention kernel's head
/// dimension, which storage dtypes it allocates) stay in that backend. Each contract returns the dimensions the op
/// works with.
/// </summary>
public static class OpContracts
{
    // ---- memory ----

    /// <summary>Upload (fp32 or i32): the host data fills the shape exactly.</summary>
    public static void Upload(int length, TensorShape shape) =>
        Require(length == shape.Length, $"{length} elements do not fill a tensor of shape {shape} ({shape.Length} elements).");

    /// <summary>UploadWeights: a checkpoint dtype (bf16, f16, f32) and exactly its bytes for the shape.</summary>
    public static void UploadWeights(int byteLength, DType sourceType, TensorShape shape)
    {
        Require(sourceType is DType.BF16 or DType.F16 or DType.F32, $"Weights are bf16, f16 or f32, not {sourceType}.");
        var bytes = shape.Length * DTypes.SizeOf(sourceType);
        Require(byteLength == bytes, $"Expected {bytes} bytes of {sourceType} for {shape} but got {byteLength}.");
    }

    /// <summary>Write: host data of the destination's dtype (fp32 or i32) filling it exactly.</summary>
    public static void Write(Tensor destination, int length, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Require(destination.DType == dtype, $"Write: destination {destination.Shape} should be {dtype}, not {destination.DType}.");
        Upload(length, destination.Shape);
    }

    /// <summary>Download: a host buffer the source's size; fp32 buffers take fp32 or bf16 (widened) tensors, i32 buffers i32.</summary>
    public static void Download(Tensor source, int length, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(source);
        Require(source.DType == dtype || (dtype == DType.F32 && source.DType == DType.BF16), $"Download: source {source.Shape} should be {dtype}, not {source.DType}.");
        Upload(length, source.Shape);
    }

    /// <summary>Copy: equal length and dtype, or a bf16 weight widened into fp32. Returns whether it widens.</summary>
    public static bool Copy(Tensor source, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var widen = source.DType == DType.BF16 && destination.DType == DType.F32;
        Require(source.Length == destination.Length && (widen || source.DType == destination.DType), $"Copy needs equal length and dtype: {source.Shape} {source.DType} → {destination.Shape} {destination.DType}.");
        return widen;
    }

    // ---- linear algebra ----

    /// <summary>MatMul: x <c>[M,K]</c> fp32, weight <c>[N,K]</c>, output <c>[M,N]</c> fp32, bias (if any) <c>[N]</c>.</summary>
    public static (int M, int N, int K) MatMul(Tensor x, Tensor weight, Tensor output, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(output);
        int m = x.RowCount, k = x.RowLength, n = weight.RowCount;
        Require(weight.RowLength == k, $"MatMul: x {x.Shape} does not match weight {weight.Shape} (expects [N, {k}]).");
        Require(output.RowCount == m && output.RowLength == n, $"MatMul: output {output.Shape} should be [{m}, {n}].");
        Require(bias is null || bias.Length == n, $"MatMul: bias {bias?.Shape} should have {n} elements.");
        Activation("MatMul", "x", x);
        Weight("MatMul", "weight", weight);
        Activation("MatMul", "output", output);
        if (bias is not null)
        {
            Weight("MatMul", "bias", bias);
        }

        return (m, n, k);
    }

    /// <summary>BatchedMatMul: a <c>[B,M,K]</c> times b <c>[B,K,N]</c> (or <c>[B,N,K]</c> transposed) into <c>[B,M,N]</c>, all fp32.</summary>
    public static (int Batch, int M, int N, int K) BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(output);
        Require(a.Shape.Rank == 3 && b.Shape.Rank == 3 && output.Shape.Rank == 3, "BatchedMatMul takes 3-D tensors.");
        var batch = a.Shape[0];
        int m = a.Shape[1], k = a.Shape[2];
        var n = transposeB ? b.Shape[1] : b.Shape[2];
        Require(b.Shape[0] == batch && (transposeB ? b.Shape[2] : b.Shape[1]) == k, $"BatchedMatMul: {a.Shape} and {b.Shape} do not match.");
        Require(output.Shape[0] == batch && output.Shape[1] == m && output.Shape[2] == n, $"BatchedMatMul: output {output.Shape} should be [{batch}, {m}, {n}].");
        Activation("BatchedMatMul", "a", a);
        Activation("BatchedMatMul", "b", b);
        Activation("BatchedMatMul", "output", output);
        return (batch, m, n, k);
    }

    // ---- normalisation and activations ----

    /// <summary>RmsNorm: x and output alike (fp32), weight one row long. Returns the row length.</summary>
    public static int RmsNorm(Tensor x, Tensor weight, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(output);
        var d = x.RowLength;
        Require(weight.Length == d && output.Length == x.Length, $"RmsNorm: x {x.Shape}, weight {weight.Shape}, output {output.Shape} disagree.");
        Activation("RmsNorm", "x", x);
        Weight("RmsNorm", "weight", weight);
        Activation("RmsNorm", "output", output);
        return d;
    }

    /// <summary>LayerNorm: x and output alike (fp32), weight and bias one row long and of one dtype. Returns the row length.</summary>
    public static int LayerNorm(Tensor x, Tensor weight, Tensor bias, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        ArgumentNullException.ThrowIfNull(output);
        var d = x.RowLength;
        Require(weight.Length == d && bias.Length == d && output.Length == x.Length, $"LayerNorm: x {x.Shape}, weight {weight.Shape}, bias {bias.Shape}, output {output.Shape} disagree.");
        Require(weight.DType == bias.DType, $"LayerNorm: weight {weight.DType} and bias {bias.DType} should share a dtype.");
        Activation("LayerNorm", "x", x);
        Weight("LayerNorm", "weight", weight);
        Activation("LayerNorm", "output", output);
        return d;
    }

    /// <summary>ApplyRope: rows of x (fp32) are <paramref name="heads"/> × an even <paramref name="headDim"/>; positions from 0 up.</summary>
    public static void ApplyRope(Tensor x, int heads, int headDim, int firstPosition)
    {
        ArgumentNullException.ThrowIfNull(x);
        Require(headDim % 2 == 0 && x.RowLength == heads * headDim, $"ApplyRope: rows of {x.Shape} are not {heads}×{headDim}.");
        ArgumentOutOfRangeException.ThrowIfNegative(firstPosition);
        Activation("ApplyRope", "x", x);
    }

    /// <summary>Softmax: in place over fp32 rows.</summary>
    public static void Softmax(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Activation("Softmax", "x", x);
    }

    /// <summary>SiluMul: gate, up and output of one length, fp32.</summary>
    public static void SiluMul(Tensor gate, Tensor up, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(up);
        ArgumentNullException.ThrowIfNull(output);
        Require(gate.Length == up.Length && up.Length == output.Length, $"SiluMul: lengths disagree: gate {gate.Shape}, up {up.Shape}, output {output.Shape}.");
        Activation("SiluMul", "gate", gate);
        Activation("SiluMul", "up", up);
        Activation("SiluMul", "output", output);
    }

    /// <summary>Gelu: x and output of one length, fp32.</summary>
    public static void Gelu(Tensor x, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(output);
        Require(x.Length == output.Length, $"Gelu: lengths disagree: x {x.Shape}, output {output.Shape}.");
        Activation("Gelu", "x", x);
        Activation("Gelu", "output", output);
    }

    /// <summary>AddBias: in place on fp32 x, bias one row long.</summary>
    public static void AddBias(Tensor x, Tensor bias)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(bias);
        Require(bias.Length == x.RowLength, $"AddBias: bias {bias.Shape} does not match rows of {x.Shape}.");
        Activation("AddBias", "x", x);
        Weight("AddBias", "bias", bias);
    }

    /// <summary>Add: a, b (fp32 activations or bf16 weights) and the fp32 output of one length.</summary>
    public static void Add(Tensor a, Tensor b, Tensor output) => Elementwise("Add", a, b, output);

    /// <summary>Multiply: as <see cref="Add"/>.</summary>
    public static void Multiply(Tensor a, Tensor b, Tensor output) => Elementwise("Multiply", a, b, output);

    /// <summary>Scale: in place on fp32 x.</summary>
    public static void Scale(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Activation("Scale", "x", x);
    }

    // ---- indexing ----

    /// <summary>Embedding: i32 ids, a table of rows, output <c>[ids, row]</c> fp32. Returns the row length.</summary>
    public static int Embedding(Tensor table, Tensor ids, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(output);
        var d = table.RowLength;
        Require(ids.DType == DType.I32, $"Embedding: ids {ids.Shape} should be I32, not {ids.DType}.");
        Require(output.RowCount == ids.Length && output.RowLength == d, $"Embedding: output {output.Shape} should be [{ids.Length}, {d}].");
        Weight("Embedding", "table", table);
        Activation("Embedding", "output", output);
        return d;
    }

    /// <summary>Embedding's ids, read on the host: each names a row of the table (checked before any row is written).</summary>
    public static void EmbeddingIds(ReadOnlySpan<int> ids, int tableRows)
    {
        for (var t = 0; t < ids.Length; t++)
        {
            if ((uint)ids[t] >= (uint)tableRows)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"Token id {ids[t]} at position {t} is outside the embedding table of {tableRows} rows.");
            }
        }
    }

    // ---- attention ----

    /// <summary>Attention: q/output <c>[tq, heads·d]</c>, k/v <c>[tk, kvHeads·d]</c>, heads a multiple of kvHeads, all fp32.</summary>
    public static (int Tq, int Tk, int HeadDim) Attention(Tensor q, Tensor k, Tensor v, Tensor output, AttentionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(output);
        int tq = q.RowCount, tk = k.RowCount, d = spec.HeadDim;
        int qWidth = spec.Heads * d, kvWidth = spec.KvHeads * d;
        Require(spec.KvHeads > 0 && spec.Heads % spec.KvHeads == 0, $"Attention: {spec.Heads} heads are not a multiple of {spec.KvHeads} kv heads.");
        Require(q.RowLength == qWidth && output.RowLength == qWidth && output.RowCount == tq, $"Attention: q {q.Shape} / output {output.Shape} should be [{tq}, {qWidth}].");
        Require(k.RowLength == kvWidth && v.RowLength == kvWidth && v.RowCount == tk, $"Attention: k {k.Shape} / v {v.Shape} should be [{tk}, {kvWidth}].");
        Require(tk >= tq || !spec.Causal, "Attention: a causal query block cannot be longer than its keys.");
        Activation("Attention", "q", q);
        Activation("Attention", "k", k);
        Activation("Attention", "v", v);
        Activation("Attention", "output", output);
        return (tq, tk, d);
    }

    // ---- selection ----

    /// <summary>ArgMax: fp32 rows into an i32 vector of one entry per row.</summary>
    public static void ArgMax(Tensor x, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(output);
        Require(output.Length == x.RowCount && output.DType == DType.I32, $"ArgMax: output should be I32 [{x.RowCount}].");
        Activation("ArgMax", "x", x);
    }

    /// <summary>TopK: 0 ≤ k ≤ row length; i32 indices and fp32 values of <c>[rows, k]</c>.</summary>
    public static void TopK(Tensor x, int k, Tensor indices, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        Require(k >= 0 && k <= x.RowLength, $"TopK: k={k} outside [0, {x.RowLength}].");
        Require(indices.Length == (long)x.RowCount * k && values.Length == indices.Length, $"TopK: outputs should hold [{x.RowCount}, {k}].");
        Activation("TopK", "x", x);
        Require(indices.DType == DType.I32, $"TopK: indices {indices.Shape} should be I32, not {indices.DType}.");
        Activation("TopK", "values", values);
    }

    /// <summary>ScoreRows: fp32 logits, one id and one confidence per row, forbidden columns inside a row.</summary>
    public static void ScoreRows(Tensor logits, ReadOnlySpan<int> forbidden, int ids, int confidences)
    {
        ArgumentNullException.ThrowIfNull(logits);
        Require(ids == logits.RowCount && confidences == logits.RowCount, $"ScoreRows: expected {logits.RowCount} ids and confidences.");
        Activation("ScoreRows", "logits", logits);
        foreach (var column in forbidden)
        {
            Require((uint)column < (uint)logits.RowLength, $"ScoreRows: forbidden column {column} is outside rows of {logits.RowLength}.");
        }
    }

    // ---- vision helpers ----

    /// <summary>Im2ColPatches: image <c>[C,H,W]</c>, patch &gt; 0, output <c>[(H/p)·(W/p), C·p·p]</c>, fp32. Returns C, H, W.</summary>
    public static (int C, int H, int W) Im2ColPatches(Tensor image, int patch, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        Require(image.Shape.Rank == 3, $"Im2ColPatches: image should be [C, H, W], got {image.Shape}.");
        Require(patch > 0, "Im2ColPatches: patch must be positive.");
        int c = image.Shape[0], h = image.Shape[1], w = image.Shape[2];
        int gh = h / patch, gw = w / patch, cols = c * patch * patch;
        Require(output.RowCount == gh * gw && output.RowLength == cols, $"Im2ColPatches: output should be [{gh * gw}, {cols}], got {output.Shape}.");
        Activation("Im2ColPatches", "image", image);
        Activation("Im2ColPatches", "output", output);
        return (c, h, w);
    }

    /// <summary>BilinearResize: input <c>[H·W, C]</c> to output <c>[outH·outW, C]</c>, fp32. Returns C.</summary>
    public static int BilinearResize(Tensor input, int height, int width, int outHeight, int outWidth, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var channels = input.RowLength;
        Require(input.RowCount == height * width, $"BilinearResize: input {input.Shape} is not {height}×{width} tokens.");
        Require(output.RowCount == outHeight * outWidth && output.RowLength == channels, $"BilinearResize: output should be [{outHeight * outWidth}, {channels}].");
        Activation("BilinearResize", "input", input);
        Activation("BilinearResize", "output", output);
        return channels;
    }

    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    private static void Elementwise(string op, Tensor a, Tensor b, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(output);
        Require(a.Length == b.Length && b.Length == output.Length, $"{op}: lengths disagree: a {a.Shape}, b {b.Shape}, output {output.Shape}.");
        Weight(op, "a", a);
        Weight(op, "b", b);
        Activation(op, "output", output);
    }

    /// <summary>Activations and outputs are fp32 (IComputeBackend's rule).</summary>
    private static void Activation(string op, string role, Tensor t) =>
        Require(t.DType == DType.F32, $"{op}: {role} {t.Shape} should be F32, not {t.DType}.");

    /// <summary>A tensor a model may have loaded as a weight: fp32, or bf16 where a backend keeps checkpoint bf16.</summary>
    private static void Weight(string op, string role, Tensor t) =>
        Require(t.DType is DType.F32 or DType.BF16, $"{op}: {role} {t.Shape} should be F32 or BF16, not {t.DType}.");
}
