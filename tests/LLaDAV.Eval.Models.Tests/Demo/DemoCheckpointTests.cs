using System.Text.Json;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Demo;
using LLaDAV.Eval.Models.Tokenization;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Demo;

public sealed class DemoCheckpointTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("demo-tests-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    private static RgbImage Gradient(int w, int h)
    {
        var px = new byte[w * h * 3];
        for (var i = 0; i < px.Length; i++)
        {
            px[i] = (byte)(i * 7 % 251);
        }

        return new RgbImage(w, h, px);
    }

    [Theory]
    [InlineData(LlavaFamily.LladaV)]
    [InlineData(LlavaFamily.Llama3V)]
    public async Task Demo_checkpoint_is_created_once_and_runs_the_real_backend_end_to_end(LlavaFamily family)
    {
        var dir = DemoCheckpoint.Ensure(family, _root);
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(dir, "model.safetensors"));
        Assert.Equal(dir, DemoCheckpoint.Ensure(family, _root));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(dir, "model.safetensors")));
        Assert.True(new FileInfo(Path.Combine(dir, "model.safetensors")).Length < 8 << 20);
        using (var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "config.json"))))
        {
            Assert.True(config.RootElement.GetProperty("lladav_eval_demo").GetProperty("random_weights").GetBoolean());
        }

        Assert.Contains("RANDOM", File.ReadAllText(Path.Combine(dir, "README.md")), StringComparison.Ordinal);

        IModelBackendFactory factory = family == LlavaFamily.LladaV ? new LladaVBackendFactory() : new Llama3VBackendFactory();
        using var backend = factory.Create(new ModelArgs(ModelArgs.Empty.Values.Add("path", dir)), new BackendContext("cpu", 1, TestPaths.RepoRoot));
        var kwargs = GenerationKwargs.Empty.With("gen_length", 8L).With("steps", 4L).With("block_length", 8L).With("max_new_tokens", 6L);
        var request = new GenerationRequest(new TaskName("demo"), new DocId(3), "What colour is the square?", kwargs, () => [new ImageInput("gradient", () => Gradient(40, 30))], 11);
        var first = await backend.GenerateAsync([request], CancellationToken.None);
        // 40×30 → best 384×384, 1×1 grid 27×27; unpad: nh = int(30·27/40) = 20, pad = (27−20)//2 = 3, rows [3, 24)
        // → 21 rows; + newline column → 729 + 21·28 (§4.2)
        Assert.Equal(729 + (21 * 28), first[0].Usage.VisualTokens);
        Assert.True(first[0].Usage.ForwardPasses > 0);
    }

    [Theory]
    [InlineData(LlavaFamily.LladaV, "<|startoftext|>", false)]
    [InlineData(LlavaFamily.Llama3V, "<|begin_of_text|>", true)]
    public void Demo_tokenizer_round_trips_any_text_and_knows_the_template_tokens(LlavaFamily family, string bos, bool addsBos)
    {
        var dir = Path.Combine(_root, family.ToString());
        Directory.CreateDirectory(dir);
        DemoCheckpoint.Write(family, dir);
        var tokenizer = HfTokenizer.Load(dir);
        const string text = "The answer is 42 — naïve café, 日本語 🙂\n\tTabs and  spaces.";
        var ids = tokenizer.Encode(text, addSpecialTokens: false);
        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.True(ids.Length < System.Text.Encoding.UTF8.GetByteCount(text), "merges shorten common text");
        foreach (var t in new[] { bos, "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>" })
        {
            var id = tokenizer.TokenToId(t);
            Assert.NotNull(id);
            Assert.Equal([id!.Value], tokenizer.Encode(t, addSpecialTokens: false));
        }

        Assert.Equal(addsBos, tokenizer.Encode("a", addSpecialTokens: true)[0] == tokenizer.BosTokenId);
    }

    [Fact]
    public async Task A_video_request_samples_frames_and_uses_the_grid_token_layout()
    {
        // a 10-frame 64×48 clip made by ffmpeg's test source (Debian package ffmpeg, a project dependency)
        var video = Path.Combine(_root, "clip.mp4");
        var info = new System.Diagnostics.ProcessStartInfo("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-frames:v", "10", "-pix_fmt", "yuv420p", video]);
        using (var p = System.Diagnostics.Process.Start(info)!)
        {
            await p.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, p.ExitCode);
        }

        var dir = DemoCheckpoint.Ensure(LlavaFamily.LladaV, _root);
        using var backend = new LladaVBackendFactory().Create(
            new ModelArgs(ModelArgs.Empty.Values.Add("path", dir).Add("max_frames_num", "4")),
            new BackendContext("cpu", 1, TestPaths.RepoRoot));
        var kwargs = GenerationKwargs.Empty.With("gen_length", 4L).With("steps", 2L);
        var request = new GenerationRequest(new TaskName("demo"), new DocId(0), "What happens?", kwargs, () => [new VideoInput(video)], 0);
        var result = await backend.GenerateAsync([request], CancellationToken.None);
        // §4.4: 27×27 per frame pooled to 14×14, frames stacked, newline column: 4 · 14 · 15
        Assert.Equal(4 * 14 * 15, result[0].Usage.VisualTokens);
        Assert.Equal(2, result[0].Usage.ForwardPasses);
    }
}
