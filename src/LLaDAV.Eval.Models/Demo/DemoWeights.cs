using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Demo;

/// <summary>Random bf16 tensors under the published LLaDA-V / LLaVA names (§1.3, §2.2), drawn from one seeded stream.</summary>
public static class DemoWeights
{
    private const string Vision = "model.vision_tower.vision_tower.vision_model.";

    public static IEnumerable<SafetensorsTensor> Tensors(DemoShape s, SplitMix64 rng)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(rng);
        int h = s.Hidden, kv = s.KvHeads * (s.Hidden / s.Heads), ff = s.Intermediate, vh = s.VisionHidden, vf = s.VisionIntermediate;
        yield return Random(rng, "model.embed_tokens.weight", 1.0, s.Vocab, h);
        for (var i = 0; i < s.Layers; i++)
        {
            var p = $"model.layers.{i}.";
            yield return Ones(p + "input_layernorm.weight", h);
            yield return Random(rng, p + "self_attn.q_proj.weight", Scale(h), h, h);
            yield return Random(rng, p + "self_attn.k_proj.weight", Scale(h), kv, h);
            yield return Random(rng, p + "self_attn.v_proj.weight", Scale(h), kv, h);
            yield return Random(rng, p + "self_attn.o_proj.weight", Scale(h), h, h);
            yield return Ones(p + "post_attention_layernorm.weight", h);
            yield return Random(rng, p + "mlp.gate_proj.weight", Scale(h), ff, h);
            yield return Random(rng, p + "mlp.up_proj.weight", Scale(h), ff, h);
            yield return Random(rng, p + "mlp.down_proj.weight", Scale(ff), h, ff);
        }

        yield return Ones("model.norm.weight", h);
        yield return Random(rng, "lm_head.weight", Scale(h), s.Vocab, h);
        yield return Random(rng, "model.image_newline", 1.0, h);
        yield return Random(rng, "model.mm_projector.0.weight", Scale(vh), h, vh);
        yield return Random(rng, "model.mm_projector.0.bias", 0.02, h);
        yield return Random(rng, "model.mm_projector.2.weight", Scale(h), h, h);
        yield return Random(rng, "model.mm_projector.2.bias", 0.02, h);
        yield return Random(rng, Vision + "embeddings.patch_embedding.weight", Scale(3 * 14 * 14), vh, 3, 14, 14);
        yield return Random(rng, Vision + "embeddings.patch_embedding.bias", 0.02, vh);
        yield return Random(rng, Vision + "embeddings.position_embedding.weight", 0.1, 729, vh);
        for (var i = 0; i < s.VisionLayers; i++)
        {
            var p = $"{Vision}encoder.layers.{i}.";
            foreach (var proj in new[] { "q_proj", "k_proj", "v_proj", "out_proj" })
            {
                yield return Random(rng, $"{p}self_attn.{proj}.weight", Scale(vh), vh, vh);
                yield return Random(rng, $"{p}self_attn.{proj}.bias", 0.02, vh);
            }

            yield return Random(rng, p + "mlp.fc1.weight", Scale(vh), vf, vh);
            yield return Random(rng, p + "mlp.fc1.bias", 0.02, vf);
            yield return Random(rng, p + "mlp.fc2.weight", Scale(vf), vh, vf);
            yield return Random(rng, p + "mlp.fc2.bias", 0.02, vh);
            yield return Ones(p + "layer_norm1.weight", vh);
            yield return Zeros(p + "layer_norm1.bias", vh);
            yield return Ones(p + "layer_norm2.weight", vh);
            yield return Zeros(p + "layer_norm2.bias", vh);
        }

        yield return Ones(Vision + "post_layernorm.weight", vh);
        yield return Zeros(Vision + "post_layernorm.bias", vh);
    }

    private static double Scale(int fanIn) => 1.0 / Math.Sqrt(fanIn);

    /// <summary>Approximately normal (Irwin–Hall of 4 uniforms, unit variance) times <paramref name="std"/>.</summary>
    private static SafetensorsTensor Random(SplitMix64 rng, string name, double std, params int[] shape)
    {
        var values = new float[new TensorShape(shape).Length];
        for (var i = 0; i < values.Length; i++)
        {
            var sum = rng.NextDouble() + rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 2.0;
            values[i] = (float)(sum * Math.Sqrt(3.0) * std);
        }

        return new SafetensorsTensor(name, DType.BF16, new TensorShape(shape), SafetensorsWriter.ToBf16Bytes(values));
    }

    private static SafetensorsTensor Ones(string name, int n) =>
        new(name, DType.BF16, new TensorShape(n), SafetensorsWriter.ToBf16Bytes(Enumerable.Repeat(1f, n).ToArray()));

    private static SafetensorsTensor Zeros(string name, int n) =>
        new(name, DType.BF16, new TensorShape(n), new byte[n * 2]);
}
