using System.Collections.Immutable;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Sampling;
using LLaDAV.Eval.Models.Tests.Language;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Backends;

/// <summary>The full request path (render → tokenizer_image_token → vision → splice → sample → decode) on the tiny checkpoints.</summary>
public sealed class LlavaBackendOracleTests
{
    private const string Question = "What is shown in the image?\nAnswer with the option's letter from the given choices directly.";

    private static GenerationKwargs Kwargs(params (string Key, object Value)[] values) =>
        values.Aggregate(GenerationKwargs.Empty, (k, kv) => k.With(kv.Key, kv.Value));

    private static GenerationRequest Request(GenerationKwargs kwargs) => new(
        new TaskName("oracle"),
        new DocId(0),
        Question,
        kwargs,
        () => [new ImageInput("image.png", () => ImageDecoder.DecodeFile(TestPaths.InTestData("model-reference", "image.png")))],
        0);

    [Fact]
    public async Task Lladav_backend_renders_the_reference_prompt_and_generates_the_reference_answer()
    {
        var reference = ReferenceFiles.Reference(ReferenceFiles.LladaV);
        using var backend = new LladaVBackendFactory().Create(new ModelArgs(ModelArgs.Empty.Values.Add("path", ReferenceFiles.LladaV)), new BackendContext("cpu", 1, TestPaths.RepoRoot));
        var model = ((LlavaBackend)backend).Model;
        var settings = GenerationSettings.From(GenerationKwargs.Empty, LlavaFamily.LladaV);
        var (prompt, ids) = model.RenderPrompt(Question, 1, settings);
        Assert.Equal(reference.GetProperty("prompt_text").GetString(), prompt);
        Assert.Equal(ReferenceFiles.Ints(reference.GetProperty("prompt_ids_with_image_placeholder")), ids);

        var gen = reference.GetProperty("generation")[0];
        var expectedIds = ReferenceFiles.Ints(gen.GetProperty("generated_ids"));
        var results = await backend.GenerateAsync([Request(Kwargs(("gen_length", 16L), ("steps", 16L), ("block_length", 16L), ("temperature", 0.0)))], CancellationToken.None);
        var expectedText = LlavaModel.DiffusionText(model.Tokenizer.Decode(expectedIds, skipSpecialTokens: true));
        Assert.Equal(expectedText, results[0].Text);
        Assert.Equal(new TokenUsage(ids.Length - 1, reference.GetProperty("anyres_layout").GetProperty("tokens").GetInt32(), expectedIds.Length, gen.GetProperty("trace").GetArrayLength()), results[0].Usage);
    }

    [Fact]
    public async Task Llama3v_backend_renders_the_reference_prompt_and_generates_the_reference_answer()
    {
        var reference = ReferenceFiles.Reference(ReferenceFiles.Llama3V);
        using var backend = new Llama3VBackendFactory().Create(new ModelArgs(ModelArgs.Empty.Values.Add("path", ReferenceFiles.Llama3V)), new BackendContext("cpu", 1, TestPaths.RepoRoot));
        var model = ((LlavaBackend)backend).Model;
        var (prompt, ids) = model.RenderPrompt(Question, 1, GenerationSettings.From(GenerationKwargs.Empty, LlavaFamily.Llama3V));
        Assert.Equal(reference.GetProperty("prompt_text").GetString(), prompt);
        Assert.Equal(ReferenceFiles.Ints(reference.GetProperty("prompt_ids_with_image_placeholder")), ids);

        var expectedIds = ReferenceFiles.Ints(reference.GetProperty("generated_ids"));
        var results = await backend.GenerateAsync([Request(Kwargs(("max_new_tokens", 16L)))], CancellationToken.None);
        Assert.Equal(model.Tokenizer.Decode(expectedIds[..^1], skipSpecialTokens: true).Trim(), results[0].Text);
        Assert.Equal(expectedIds.Length, results[0].Usage.GeneratedTokens);
        Assert.Equal(expectedIds.Length, results[0].Usage.ForwardPasses);
    }

    [Theory]
    [InlineData("lladav", "exact")]
    [InlineData("lladav", "always")]
    [InlineData("llama3v", "exact")]
    public async Task A_batch_of_requests_gives_the_reference_answer_and_each_request_its_answer_alone(string family, string packing)
    {
        var lladav = family == "lladav";
        var dir = lladav ? ReferenceFiles.LladaV : ReferenceFiles.Llama3V;
        IModelBackendFactory factory = lladav ? new LladaVBackendFactory() : new Llama3VBackendFactory();
        var args = new ModelArgs(ModelArgs.Empty.Values.Add("path", dir).Add("batch_packing", packing));
        using var backend = factory.Create(args, new BackendContext("cpu", 3, TestPaths.RepoRoot));
        var model = ((LlavaBackend)backend).Model;
        var reference = ReferenceFiles.Reference(dir);
        var referenceKwargs = lladav ? Kwargs(("gen_length", 16L), ("steps", 16L), ("block_length", 16L), ("temperature", 0.0)) : Kwargs(("max_new_tokens", 16L));
        GenerationRequest[] batch =
        [
            Request(lladav ? Kwargs(("gen_length", 8L), ("steps", 4L), ("block_length", 4L), ("use_fast_dllm", true), ("prefix_refresh_interval", 2L)) : Kwargs(("max_new_tokens", 5L))) with { Doc = new DocId(1), Seed = 11 },
            Request(referenceKwargs),
            new(new TaskName("oracle"), new DocId(2), "Describe the picture in one word.", referenceKwargs, () => [], 12),
        ];
        var together = await backend.GenerateAsync(batch, CancellationToken.None);
        var expectedIds = ReferenceFiles.Ints(lladav ? reference.GetProperty("generation")[0].GetProperty("generated_ids") : reference.GetProperty("generated_ids"));
        var expectedText = lladav
            ? LlavaModel.DiffusionText(model.Tokenizer.Decode(expectedIds, skipSpecialTokens: true))
            : model.Tokenizer.Decode(expectedIds[..^1], skipSpecialTokens: true).Trim();
        Assert.Equal(expectedText, together[1].Text);
        Assert.Equal(expectedIds.Length, together[1].Usage.GeneratedTokens);
        for (var i = 0; i < batch.Length; i++)
        {
            var alone = (await backend.GenerateAsync([batch[i]], CancellationToken.None))[0];
            Assert.Equal((alone.Text, alone.Usage), (together[i].Text, together[i].Usage));
        }
    }

    [Fact]
    public void Gen_kwargs_follow_the_fork_defaults_and_fast_dllm_keys()
    {
        var d = GenerationSettings.From(GenerationKwargs.Empty, LlavaFamily.LladaV);
        Assert.Equal((2, 2, 2, "no_think", CacheMode.None), (d.GenLength, d.Steps, d.BlockLength, d.ThinkMode, d.Cache));
        var k = GenerationSettings.From(
            Kwargs(("gen_length", 32L), ("steps", 16L), ("think_mode", "think"), ("cfg", 1.0), ("stopping_criteria", ImmutableArray.Create("\n")), ("cache", "dual"), ("prefix_refresh_interval", 8L), ("factor", 1.0)),
            LlavaFamily.LladaV);
        Assert.Equal((32, 16, 32, "think", 0.0), (k.GenLength, k.Steps, k.BlockLength, k.ThinkMode, k.CfgScale));
        Assert.Equal(["\n"], k.StoppingCriteria);
        Assert.Equal((CacheMode.Dual, 8, (double?)null, (double?)1.0), (k.Cache, k.RefreshInterval, k.Threshold, k.Factor));
        var fast = GenerationSettings.From(Kwargs(("use_fast_dllm", true), ("prefix_refresh_interval", 32L)), LlavaFamily.LladaV);
        Assert.Equal((CacheMode.Prefix, 32), (fast.Cache, fast.RefreshInterval));
        // The fork's generate_with_embeds ignores max_new_tokens (docs/LLADAV-MODEL.md §6.2): a task YAML's 128 stays 2 tokens
        // for LLaDA-V, while the autoregressive llava_onevision honours it (§9).
        Assert.Equal(2, GenerationSettings.From(Kwargs(("max_new_tokens", 128L)), LlavaFamily.LladaV).GenLength);
        Assert.Equal(128, GenerationSettings.From(Kwargs(("max_new_tokens", 128L)), LlavaFamily.Llama3V).GenLength);
        Assert.Equal((1024, (string?)null), (GenerationSettings.From(GenerationKwargs.Empty, LlavaFamily.Llama3V).GenLength, GenerationSettings.From(GenerationKwargs.Empty, LlavaFamily.Llama3V).ThinkMode));
    }

    [Fact]
    public void Cuda_opens_the_cuda_backend_or_names_what_is_missing_and_unknown_devices_are_rejected()
    {
        if (LLaDAV.Eval.Models.Tensors.Cuda.CudaBackend.Probe() is null)
        {
            using var cuda = ComputeDevices.Create("cuda:0");
            Assert.Equal("cuda:0", cuda.Name);
        }
        else
        {
            Assert.Throws<LLaDAV.Eval.Models.Tensors.Cuda.CudaUnavailableException>(() => ComputeDevices.Create("cuda:0"));
        }

        Assert.Throws<ArgumentException>(() => ComputeDevices.Create("tpu"));
        using var cpu = ComputeDevices.Create("cpu");
        Assert.Equal("cpu", cpu.Name);
    }

    [Fact]
    public void Prompt_rendering_inserts_placeholders_and_the_think_suffix_only_when_missing()
    {
        Assert.Equal("<image> <image>\nQ /think", LLaDAV.Eval.Models.Prompting.LlavaPrompt.UserMessage("Q", 2, LLaDAV.Eval.Models.Prompting.ThinkMode.Think));
        Assert.Equal("A <image> B", LLaDAV.Eval.Models.Prompting.LlavaPrompt.UserMessage("A <image> B", 1, LLaDAV.Eval.Models.Prompting.ThinkMode.NoThink));
        Assert.Equal("Q", LLaDAV.Eval.Models.Prompting.LlavaPrompt.UserMessage("Q", 0, LLaDAV.Eval.Models.Prompting.ThinkMode.NoThink));
        Assert.Equal("x", LlavaModel.DiffusionText(" x. "[..^1]));
        Assert.Equal("B", LlavaModel.DiffusionText("B."));
    }
}
