using System.Text;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Tensors;
using LLaDAV.Eval.Models.Tensors.Cpu;
using LLaDAV.Eval.Models.Tests.Language;

namespace LLaDAV.Eval.Models.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private const string Config = """{"model_type": "llada", "d_model": 4, "n_layers": 1, "n_heads": 2, "mlp_hidden_size": 6, "embedding_size": 8, "rope_theta": 10000.0}""";

    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string WriteCheckpoint(string name, params SafetensorsTensor[] tensors)
    {
        var dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), Config);
        SafetensorsWriter.Write(Path.Combine(dir, Checkpoint.SingleFileName), tensors);
        return dir;
    }

    private static SafetensorsTensor F32(string name, params int[] shape) =>
        new(name, DType.F32, new TensorShape(shape), SafetensorsWriter.ToF32Bytes(new float[new TensorShape(shape).Length]));

    [Fact]
    public void Original_llada_config_keys_are_read()
    {
        var dir = WriteCheckpoint("cfg", F32("model.transformer.wte.weight", 8, 4));
        using var c = Checkpoint.Open(dir);
        Assert.Equal(new LanguageConfig("llada", 4, 6, 1, 2, 2, 8, 10000f, 1e-5f, null, null), c.Config.Language);
        Assert.True(LanguageWeightNames.For(c).Original);
        Assert.Null(c.Config.Multimodal);
    }

    [Fact]
    public void Llava_config_reads_multimodal_keys_and_the_nested_vision_config()
    {
        using var c = Checkpoint.Open(ReferenceFiles.LladaV);
        var mm = c.Config.Multimodal!;
        Assert.Equal(36, mm.GridPinpoints.Length);
        Assert.Equal(new GridPinpoint(384, 768), mm.GridPinpoints[1]);
        Assert.Equal(("mlp2x_gelu", "anyres_max_4", "spatial_unpad", "grid", 2, 32), (mm.ProjectorType, mm.ImageAspectRatio, mm.PatchMergeType, mm.NewlinePosition, mm.SpatialPoolStride, mm.MmHiddenSize));
        Assert.Equal(new VisionConfig(32, 64, 2, 2, 14, 384, 3, "gelu_pytorch_tanh", 1e-6f), c.Config.Vision);
        Assert.Equal((441, 440, true), (c.Config.Language.MaskTokenId, c.Config.Language.EosTokenId, c.Config.Language.IsDiffusion));
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        var dir = WriteCheckpoint("missing", F32("a", 2));
        using var c = Checkpoint.Open(dir);
        var e = Assert.Throws<CheckpointException>(() => c.Entry("model.norm.weight"));
        Assert.Equal((CheckpointErrorKind.MissingTensor, "model.norm.weight"), (e.Kind, e.TensorName));
        Assert.Contains("model.norm.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains(Checkpoint.SingleFileName, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_shape_names_tensor_file_and_both_shapes()
    {
        var dir = WriteCheckpoint("shape", F32("w", 3, 4));
        using var c = Checkpoint.Open(dir);
        using var backend = new CpuBackend();
        var e = Assert.Throws<CheckpointException>(() => c.Load(backend, "w", 4, 4));
        Assert.Equal((CheckpointErrorKind.WrongShape, "w"), (e.Kind, e.TensorName));
        Assert.EndsWith(Checkpoint.SingleFileName, e.FilePath, StringComparison.Ordinal);
        Assert.Contains("[3, 4]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 4]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_dtype_is_rejected_with_its_tensor()
    {
        var dir = Path.Combine(_dir, "dtype");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), Config);
        var header = Encoding.UTF8.GetBytes("""{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""");
        using (var f = File.Create(Path.Combine(dir, Checkpoint.SingleFileName)))
        {
            f.Write(BitConverter.GetBytes((long)header.Length));
            f.Write(header);
            f.Write(new byte[8]);
        }

        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir));
        Assert.Equal((CheckpointErrorKind.UnsupportedDType, "x"), (e.Kind, e.TensorName));
        Assert.Contains("F64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_file_names_the_tensor_that_runs_past_the_end()
    {
        var dir = WriteCheckpoint("trunc", F32("a", 4), F32("b", 4));
        var file = Path.Combine(dir, Checkpoint.SingleFileName);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..^4]);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir));
        Assert.Equal((CheckpointErrorKind.Truncated, "b", file), (e.Kind, e.TensorName, e.FilePath));

        File.WriteAllBytes(file, bytes[..20]);
        e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir));
        Assert.Equal(CheckpointErrorKind.Truncated, e.Kind);
    }

    [Fact]
    public void Missing_files_and_configs_are_reported()
    {
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(Path.Combine(_dir, "nowhere")));
        Assert.Equal(CheckpointErrorKind.MissingFile, e.Kind);
        var dir = Path.Combine(_dir, "noweights");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), Config);
        e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir));
        Assert.Equal(CheckpointErrorKind.MissingFile, e.Kind);
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "llada"}""");
        e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir));
        Assert.Equal(CheckpointErrorKind.InvalidConfig, e.Kind);
    }

    /// <summary>
    /// The tiny LLaDA-V LM rewritten under the original <c>model.transformer.blocks.*</c> names (§1.3) and split over
    /// two shards with an index must give the same logits as the published HF-style file.
    /// </summary>
    [Fact]
    public void Sharded_original_scheme_checkpoint_gives_the_same_logits()
    {
        using var source = Checkpoint.Open(ReferenceFiles.LladaV);
        var hf = new LanguageWeightNames(false);
        var orig = new LanguageWeightNames(true);
        var rename = new Dictionary<string, string> { [hf.Embedding] = orig.Embedding, [hf.FinalNorm] = orig.FinalNorm, [hf.LmHead] = orig.LmHead };
        for (var i = 0; i < source.Config.Language.Layers; i++)
        {
            foreach (var f in new Func<int, string>[] { n => new LanguageWeightNames(n == 1).AttnNorm(i), n => new LanguageWeightNames(n == 1).Q(i), n => new LanguageWeightNames(n == 1).K(i), n => new LanguageWeightNames(n == 1).V(i), n => new LanguageWeightNames(n == 1).O(i), n => new LanguageWeightNames(n == 1).FfnNorm(i), n => new LanguageWeightNames(n == 1).Gate(i), n => new LanguageWeightNames(n == 1).Up(i), n => new LanguageWeightNames(n == 1).Down(i) })
            {
                rename[f(0)] = f(1);
            }
        }

        var dir = Path.Combine(_dir, "sharded");
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(ReferenceFiles.LladaV, "config.json"), Path.Combine(dir, "config.json"));
        var tensors = rename.Select(kv =>
        {
            var e = source.Entry(kv.Key);
            using var file = SafetensorsFile.Open(e.FilePath);
            return new SafetensorsTensor(kv.Value, e.DType, e.Shape, file.Bytes(file.Entries[kv.Key]).ToArray());
        }).ToList();
        var half = tensors.Count / 2;
        SafetensorsWriter.Write(Path.Combine(dir, "model-00001-of-00002.safetensors"), tensors.Take(half));
        SafetensorsWriter.Write(Path.Combine(dir, "model-00002-of-00002.safetensors"), tensors.Skip(half));
        var map = string.Join(",", tensors.Select((t, i) => $"\"{t.Name}\": \"model-0000{(i < half ? 1 : 2)}-of-00002.safetensors\""));
        File.WriteAllText(Path.Combine(dir, Checkpoint.IndexFileName), "{\"metadata\": {}, \"weight_map\": {" + map + "}}");

        using var backend = new CpuBackend();
        using var sharded = Checkpoint.Open(dir);
        Assert.True(LanguageWeightNames.For(sharded).Original);
        using var a = LanguageModel.Load(source, backend);
        using var b = LanguageModel.Load(sharded, backend);
        int[] ids = [1, 2, 3, 400, 5];
        Assert.Equal(a.ForwardIds(ids), b.ForwardIds(ids));
    }
}
