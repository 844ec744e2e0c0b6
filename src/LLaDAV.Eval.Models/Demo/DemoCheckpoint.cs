using System.Text.Json;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Checkpoints;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Demo;

/// <summary>
/// A tiny LLaDA-V or LLaMA3-V checkpoint with deterministic RANDOM weights in the published layout (LLaVA-style
/// config.json with vision_config, bf16 model.safetensors with the published tensor names, tokenizer.json,
/// tokenizer_config.json with the chat template), so <c>lladav-eval run --model lladav</c> exercises the real backend
/// end to end with nothing downloaded. Its answers are meaningless: config.json carries
/// <c>"lladav_eval_demo": {"random_weights": true}</c> and README.md says so.
/// Created on first use under <c>$XDG_CACHE_HOME/lladav-eval/demo/</c> (else <c>~/.cache/lladav-eval/demo/</c>).
/// </summary>
public static class DemoCheckpoint
{
    /// <summary>Bump when the generated content changes, so stale caches are not reused.</summary>
    public const int Version = 1;

    public const ulong Seed = 20250609;

    public static string CacheRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "lladav-eval", "demo");
    }

    public static string PathFor(LlavaFamily family, string? root = null) =>
        Path.Combine(root ?? CacheRoot(), $"{(family == LlavaFamily.LladaV ? "lladav" : "llama3v")}-v{Version}");

    /// <summary>The demo folder, created (atomically: written aside, then renamed) when missing.</summary>
    public static string Ensure(LlavaFamily family, string? root = null)
    {
        var target = PathFor(family, root);
        if (File.Exists(Path.Combine(target, "model.safetensors")))
        {
            return target;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var staging = target + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, true);
        }

        Directory.CreateDirectory(staging);
        Write(family, staging);
        try
        {
            Directory.Move(staging, target);
        }
        catch (IOException) when (File.Exists(Path.Combine(target, "model.safetensors")))
        {
            // another process finished first
            Directory.Delete(staging, true);
        }

        return target;
    }

    /// <summary>Writes every file of the demo checkpoint into <paramref name="directory"/>.</summary>
    public static void Write(LlavaFamily family, string directory)
    {
        var llada = family == LlavaFamily.LladaV;
        string[] specials = llada
            ? ["<|startoftext|>", "<|endoftext|>", "<|mdm_mask|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
            : ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"];
        var vocab = ByteLevelBpeBuilder.Write(Path.Combine(directory, "tokenizer.json"), specials, llada ? null : "<|begin_of_text|>");
        var firstSpecial = vocab - specials.Length;
        int Special(string t) => firstSpecial + Array.IndexOf(specials, t);
        var shape = DemoShape.For(family, vocab);

        var tokConfig = new JsonObject
        {
            ["bos_token"] = specials[0],
            ["eos_token"] = llada ? "<|endoftext|>" : "<|eot_id|>",
            ["add_bos_token"] = false,
            ["add_eos_token"] = false,
            ["clean_up_tokenization_spaces"] = false,
            ["chat_template"] = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}",
            ["tokenizer_class"] = "PreTrainedTokenizerFast",
        };
        if (llada)
        {
            tokConfig["pad_token"] = "<|endoftext|>";
        }

        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), tokConfig.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(directory, "config.json"), Config(family, shape, llada ? Special("<|endoftext|>") : Special("<|eot_id|>"), llada ? Special("<|mdm_mask|>") : null).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        SafetensorsWriter.Write(Path.Combine(directory, "model.safetensors"), DemoWeights.Tensors(shape, new SplitMix64(Seed + (ulong)family)), new Dictionary<string, string> { ["format"] = "pt", ["random_weights"] = "true" });
        File.WriteAllText(Path.Combine(directory, "README.md"), $"""
            # lladav-eval demo checkpoint ({(llada ? "LLaDA-V" : "LLaMA3-V")} layout)

            THE WEIGHTS ARE RANDOM. This checkpoint was generated by lladav-eval (seed {Seed}, version {Version}) so that
            the `{(llada ? "lladav" : "llama3v")}` backend can run end to end without downloads. It has the published file
            layout and tensor names but tiny dimensions, and its outputs carry no meaning. Scores obtained with it are
            not model results.
            """);
    }

    private static JsonObject Config(LlavaFamily family, DemoShape s, int eos, int? mask)
    {
        var pinpoints = new JsonArray();
        for (var i = 1; i <= 6; i++)
        {
            for (var j = 1; j <= 6; j++)
            {
                pinpoints.Add(new JsonArray(384 * i, 384 * j));
            }
        }

        var config = new JsonObject
        {
            ["architectures"] = new JsonArray(family == LlavaFamily.LladaV ? "LlavaLLaDAModelLM" : "LlavaLlamaForCausalLM"),
            ["model_type"] = family == LlavaFamily.LladaV ? "llava_llada" : "llava_llama",
            ["hidden_size"] = s.Hidden,
            ["intermediate_size"] = s.Intermediate,
            ["num_hidden_layers"] = s.Layers,
            ["num_attention_heads"] = s.Heads,
            ["num_key_value_heads"] = s.KvHeads,
            ["hidden_act"] = "silu",
            ["max_position_embeddings"] = 16384,
            ["rms_norm_eps"] = 1e-5,
            ["rope_theta"] = 500000.0,
            ["attention_bias"] = false,
            ["tie_word_embeddings"] = false,
            ["vocab_size"] = s.Vocab,
            ["torch_dtype"] = "bfloat16",
            ["eos_token_id"] = eos,
            ["mm_vision_tower"] = "siglip2-so400m-patch14-384",
            ["mm_hidden_size"] = s.VisionHidden,
            ["mm_projector_type"] = "mlp2x_gelu",
            ["mm_vision_select_layer"] = -2,
            ["mm_vision_select_feature"] = "patch",
            ["mm_use_im_start_end"] = false,
            ["mm_use_im_patch_token"] = false,
            ["image_aspect_ratio"] = "anyres_max_4",
            ["image_grid_pinpoints"] = pinpoints,
            ["mm_patch_merge_type"] = "spatial_unpad",
            ["mm_newline_position"] = "grid",
            ["mm_spatial_pool_stride"] = 2,
            ["mm_spatial_pool_mode"] = "bilinear",
            ["tokenizer_model_max_length"] = 16384,
            ["vision_config"] = new JsonObject
            {
                ["model_type"] = "siglip_vision_model",
                ["hidden_size"] = s.VisionHidden,
                ["intermediate_size"] = s.VisionIntermediate,
                ["num_hidden_layers"] = s.VisionLayers,
                ["num_attention_heads"] = s.VisionHeads,
                ["patch_size"] = 14,
                ["image_size"] = 384,
                ["num_channels"] = 3,
                ["hidden_act"] = "gelu_pytorch_tanh",
                ["layer_norm_eps"] = 1e-6,
            },
            ["lladav_eval_demo"] = new JsonObject { ["random_weights"] = true, ["seed"] = Seed, ["version"] = Version },
        };
        if (mask is int m)
        {
            config["mask_token_id"] = m;
        }

        return config;
    }
}
