using System.Reflection;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;
using LLaDAV.Eval.Models.Tensors.Cuda;

namespace LLaDAV.Eval.Models.Tests.Tensors;

/// <summary>
/// Every op of <see cref="IComputeBackend"/> has its shape and dtype contract in <see cref="OpContracts"/> (issue 28
/// §4), and a wrong call is refused with the same exception and message on every backend. The CUDA rows run where a
/// device answers (<see cref="CudaBackend.Probe"/>) and are skipped with the probe's reason elsewhere. The expected
/// messages are written out here from the contract's rule, not copied from a run.
/// </summary>
public sealed class OpContractTests
{
    private static readonly TensorShape S23 = new(2, 3);

    /// <summary>Case name → the bad call and the exact message it must raise (an <see cref="ArgumentException"/>).</summary>
    private static readonly Dictionary<string, (Action<IComputeBackend> Call, string Message)> s_cases = new()
    {
        ["Upload"] = (be => be.Upload(new float[5], S23), "5 elements do not fill a tensor of shape [2, 3] (6 elements)."),
        ["UploadWeights bytes"] = (be => be.UploadWeights(new byte[10], DType.BF16, S23), "Expected 12 bytes of BF16 for [2, 3] but got 10."),
        ["UploadWeights dtype"] = (be => be.UploadWeights(new byte[24], DType.I32, S23), "Weights are bf16, f16 or f32, not I32."),
        ["Write dtype"] = (be => be.Write(I32(be, 3), new float[3]), "Write: destination [3] should be F32, not I32."),
        ["Write length"] = (be => be.Write(F32(be, 2, 3), new float[5]), "5 elements do not fill a tensor of shape [2, 3] (6 elements)."),
        ["Download dtype"] = (be => be.Download(F32(be, 2, 3), new int[6]), "Download: source [2, 3] should be I32, not F32."),
        ["Download length"] = (be => be.Download(I32(be, 4), new int[3]), "3 elements do not fill a tensor of shape [4] (4 elements)."),
        ["Copy"] = (be => be.Copy(F32(be, 2, 3), F32(be, 5)), "Copy needs equal length and dtype: [2, 3] F32 → [5] F32."),
        ["MatMul weight"] = (be => be.MatMul(F32(be, 2, 3), F32(be, 4, 2), F32(be, 2, 4)), "MatMul: x [2, 3] does not match weight [4, 2] (expects [N, 3])."),
        ["MatMul output"] = (be => be.MatMul(F32(be, 2, 3), F32(be, 4, 3), F32(be, 2, 3)), "MatMul: output [2, 3] should be [2, 4]."),
        ["MatMul bias"] = (be => be.MatMul(F32(be, 2, 3), F32(be, 4, 3), F32(be, 2, 4), F32(be, 3)), "MatMul: bias [3] should have 4 elements."),
        ["MatMul dtype"] = (be => be.MatMul(I32(be, 2, 3), F32(be, 4, 3), F32(be, 2, 4)), "MatMul: x [2, 3] should be F32, not I32."),
        ["BatchedMatMul"] = (be => be.BatchedMatMul(F32(be, 2, 3, 4), F32(be, 2, 5, 6), F32(be, 2, 3, 6), transposeB: false), "BatchedMatMul: [2, 3, 4] and [2, 5, 6] do not match."),
        ["BatchedMatMul rank"] = (be => be.BatchedMatMul(F32(be, 3, 4), F32(be, 4, 6), F32(be, 3, 6), transposeB: false), "BatchedMatMul takes 3-D tensors."),
        ["RmsNorm"] = (be => be.RmsNorm(F32(be, 2, 4), F32(be, 3), 1e-6f, F32(be, 2, 4)), "RmsNorm: x [2, 4], weight [3], output [2, 4] disagree."),
        ["LayerNorm"] = (be => be.LayerNorm(F32(be, 2, 4), F32(be, 4), F32(be, 3), 1e-6f, F32(be, 2, 4)), "LayerNorm: x [2, 4], weight [4], bias [3], output [2, 4] disagree."),
        ["ApplyRope"] = (be => be.ApplyRope(F32(be, 2, 6), 2, 4, 0, 10000f), "ApplyRope: rows of [2, 6] are not 2×4."),
        ["Softmax"] = (be => be.Softmax(I32(be, 2, 3)), "Softmax: x [2, 3] should be F32, not I32."),
        ["SiluMul"] = (be => be.SiluMul(F32(be, 2, 3), F32(be, 2, 3), F32(be, 5)), "SiluMul: lengths disagree: gate [2, 3], up [2, 3], output [5]."),
        ["Gelu"] = (be => be.Gelu(F32(be, 6), F32(be, 5), GeluKind.Tanh), "Gelu: lengths disagree: x [6], output [5]."),
        ["AddBias"] = (be => be.AddBias(F32(be, 2, 3), F32(be, 2)), "AddBias: bias [2] does not match rows of [2, 3]."),
        ["Add"] = (be => be.Add(F32(be, 6), F32(be, 6), F32(be, 5)), "Add: lengths disagree: a [6], b [6], output [5]."),
        ["Multiply"] = (be => be.Multiply(F32(be, 6), F32(be, 6), I32(be, 6)), "Multiply: output [6] should be F32, not I32."),
        ["Scale"] = (be => be.Scale(I32(be, 3), 2f), "Scale: x [3] should be F32, not I32."),
        ["Embedding output"] = (be => be.Embedding(F32(be, 5, 4), I32(be, 3), F32(be, 3, 3)), "Embedding: output [3, 3] should be [3, 4]."),
        ["Embedding ids"] = (be => be.Embedding(F32(be, 5, 4), F32(be, 3), F32(be, 3, 4)), "Embedding: ids [3] should be I32, not F32."),
        ["Attention"] = (be => be.Attention(F32(be, 2, 8), F32(be, 2, 8), F32(be, 2, 8), F32(be, 2, 8), new AttentionSpec(2, 2, 3, false)), "Attention: q [2, 8] / output [2, 8] should be [2, 6]."),
        ["Attention causal"] = (be => be.Attention(F32(be, 3, 4), F32(be, 2, 4), F32(be, 2, 4), F32(be, 3, 4), new AttentionSpec(1, 1, 4, true)), "Attention: a causal query block cannot be longer than its keys."),
        ["ArgMax"] = (be => be.ArgMax(F32(be, 2, 3), F32(be, 2)), "ArgMax: output should be I32 [2]."),
        ["TopK"] = (be => be.TopK(F32(be, 2, 3), 4, I32(be, 2, 4), F32(be, 2, 4)), "TopK: k=4 outside [0, 3]."),
        ["TopK indices"] = (be => be.TopK(F32(be, 2, 3), 2, F32(be, 2, 2), F32(be, 2, 2)), "TopK: indices [2, 2] should be I32, not F32."),
        ["ScoreRows rows"] = (be => be.ScoreRows(F32(be, 2, 3), [], new int[1], new double[2]), "ScoreRows: expected 2 ids and confidences."),
        ["ScoreRows forbidden"] = (be => be.ScoreRows(F32(be, 2, 3), [3], new int[2], new double[2]), "ScoreRows: forbidden column 3 is outside rows of 3."),
        ["Im2ColPatches patch"] = (be => be.Im2ColPatches(F32(be, 3, 4, 4), 0, F32(be, 4, 12)), "Im2ColPatches: patch must be positive."),
        ["Im2ColPatches output"] = (be => be.Im2ColPatches(F32(be, 3, 4, 4), 2, F32(be, 4, 10)), "Im2ColPatches: output should be [4, 12], got [4, 10]."),
        ["BilinearResize"] = (be => be.BilinearResize(F32(be, 5, 2), 2, 2, 3, 3, F32(be, 9, 2)), "BilinearResize: input [5, 2] is not 2×2 tokens."),
    };

    public static IEnumerable<TheoryDataRow<string, string>> Cases()
    {
        var cuda = CudaBackend.Probe();
        foreach (var name in s_cases.Keys)
        {
            yield return new TheoryDataRow<string, string>("cpu", name);
            yield return new TheoryDataRow<string, string>("cuda", name) { Skip = cuda is null ? null : "no CUDA device: " + cuda };
        }
    }

    public static IEnumerable<TheoryDataRow<string>> Backends()
    {
        yield return new TheoryDataRow<string>("cpu");
        yield return new TheoryDataRow<string>("cuda") { Skip = CudaBackend.Probe() is { } reason ? "no CUDA device: " + reason : null };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_wrong_call_is_refused_with_the_contracts_message(string backend, string name)
    {
        using var be = Create(backend);
        var (call, message) = s_cases[name];
        var e = Assert.Throws<ArgumentException>(() => call(be));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void An_embedding_id_outside_the_table_is_refused_before_any_row_is_written(string backend)
    {
        // The CPU backend used to copy rows 0..t-1 before it met the bad id at t; both now check every id first.
        using var be = Create(backend);
        using var table = be.Upload([1f, 2f, 3f, 4f, 5f, 6f], new TensorShape(3, 2));
        using var ids = be.Upload([1, 7, 0], new TensorShape(3));
        using var output = be.Allocate(new TensorShape(3, 2));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => be.Embedding(table, ids, output));
        Assert.Equal("Token id 7 at position 1 is outside the embedding table of 3 rows. (Parameter 'ids')", e.Message);
        var written = new float[6];
        be.Download(output, written);
        Assert.All(written, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Every_op_of_the_backend_interface_has_one_contract()
    {
        // The ops of IComputeBackend: all its methods but Allocate (which storage dtypes exist is each backend's own
        // choice) and Dispose; overloads (Upload, Write, Download for fp32 and i32) share one contract.
        var ops = typeof(IComputeBackend).GetMethods()
            .Where(m => !m.IsSpecialName && m.Name is not ("Allocate" or "Dispose"))
            .Select(m => m.Name)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(
            [
                "Add", "AddBias", "ApplyRope", "ArgMax", "Attention", "BatchedMatMul", "BilinearResize", "Copy", "Download", "Embedding", "Gelu",
                "Im2ColPatches", "LayerNorm", "MatMul", "Multiply", "RmsNorm", "Scale", "ScoreRows", "SiluMul", "Softmax", "TopK", "Upload",
                "UploadWeights", "Write",
            ],
            ops);
        var contracts = typeof(OpContracts).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name).ToHashSet();
        Assert.All(ops, op => Assert.Contains(op, contracts));
    }

    private static IComputeBackend Create(string backend) => backend switch
    {
        "cpu" => new CpuBackend(CpuGemmKind.Managed),
        _ => new CudaBackend(),
    };

    private static Tensor F32(IComputeBackend be, params int[] dims) => be.Allocate(new TensorShape(dims));

    private static Tensor I32(IComputeBackend be, params int[] dims) => be.Allocate(new TensorShape(dims), DType.I32);
}
