using System.Text.RegularExpressions;
using LLaDAV.Eval.Backends.OpenAi;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Images.Codecs;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Tasks.Hooks;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Tests.OpenAi;

/// <summary>
/// The request bodies of <c>--model openai_compatible</c>, per task family, against golden bodies written by hand from
/// lmms-eval 75571cf (models/chat/openai.py build_payload_for_index, protocol.py ChatMessages.to_openai_messages,
/// api/task.py _auto_doc_to_messages, tasks/mmmu/utils.py mmmu_doc_to_messages, models/simple/openai.py). Image data
/// URLs are checked by decoding them (libpng through the project's decoder) back to the request's pixels, then
/// stand in the golden text as data:image/png;base64,&lt;image k&gt;.
/// </summary>
public sealed partial class OpenAiRequestBodyTests
{
    private static OpenAiSettings Settings(string args = "model=Qwen2-VL-7B-Instruct") =>
        OpenAiSettings.Parse(new ModelArgs(Eval.Running.KeyValueList.Parse(args, "--model-args")), "openai_compatible", _ => null);

    private static RgbImage Image(int width, int height, byte seed)
    {
        var pixels = new byte[width * height * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(seed + (i * 37));
        }

        return new RgbImage(width, height, pixels);
    }

    private static GenerationRequest Request(string context, IReadOnlyList<VisualInput> visuals, GenerationKwargs? kwargs = null, MessageLayout layout = MessageLayout.VisualsThenText) =>
        new(new TaskName("t"), new DocId(0), context, kwargs ?? GenerationKwargs.Empty, () => visuals, 0) { Layout = layout };

    private static ImageInput Input(RgbImage image) => new("test image", () => image);

    /// <summary>The body with each PNG data URL checked against <paramref name="images"/> (in order) and replaced by its number.</summary>
    private static string Golden(byte[] body, params RgbImage[] images)
    {
        var text = ChatRequestBuilder.Text(body);
        var k = 0;
        var replaced = DataUrl().Replace(text, m =>
        {
            var decoded = ImageDecoder.Decode(Convert.FromBase64String(m.Groups[1].Value));
            var expected = images[k];
            Assert.Equal((expected.Width, expected.Height), (decoded.Width, decoded.Height));
            Assert.Equal(expected.Pixels, decoded.Pixels);
            return $"data:image/png;base64,<image {++k}>";
        });
        Assert.Equal(images.Length, k);
        return replaced;
    }

    [GeneratedRegex("data:image/png;base64,([A-Za-z0-9+/=]+)")]
    private static partial Regex DataUrl();

    // Single image, multiple choice (mmstar, mme, seedbench...: no doc_to_messages): _auto_doc_to_messages puts the
    // image first, then the text; max_new_tokens → max_tokens, temperature as the task gives it.
    [Fact]
    public void Single_image_multiple_choice_is_image_then_text()
    {
        var image = Image(3, 2, 1);
        var kwargs = GenerationKwargs.Empty.With("max_new_tokens", 32L).With("temperature", 0L).With("top_p", 1.0).With("until", "\n\n");
        var body = new ChatRequestBuilder(Settings()).Build(Request("Which colour?\nA. red\nB. blue\nAnswer with the option's letter from the given choices directly.", [Input(image)], kwargs));

        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,<image 1>"}},{"type":"text","text":"Which colour?\nA. red\nB. blue\nAnswer with the option's letter from the given choices directly."}]}],"model":"Qwen2-VL-7B-Instruct","max_tokens":32,"temperature":0}""",
            Golden(body, image));
    }

    // MMMU: mmmu_doc_to_messages. "<image 1>"/"<image 2>" become "<image>", the text is split there, each image follows
    // its stripped segment, the stripped tail ends the message. An image before any text gets no empty text part.
    [Fact]
    public void Mmmu_interleaves_images_at_their_tags()
    {
        var one = Image(2, 2, 10);
        var two = Image(4, 1, 20);
        var context = "<image 1> Compare it with  <image 2> .\nA. same\nB. different\n\nAnswer with the option's letter from the given choices directly.";
        var body = new ChatRequestBuilder(Settings()).Build(Request(context, [Input(one), Input(two)], GenerationKwargs.Empty.With("max_new_tokens", 128L), MessageLayout.InterleavedAtImageTags));

        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,<image 1>"}},{"type":"text","text":"Compare it with"},{"type":"image_url","image_url":{"url":"data:image/png;base64,<image 2>"}},{"type":"text","text":".\nA. same\nB. different\n\nAnswer with the option's letter from the given choices directly."}]}],"model":"Qwen2-VL-7B-Instruct","max_tokens":128,"temperature":0}""",
            Golden(body, one, two));
    }

    // The catalog maps each shipped task to lmms-eval's layout: MMMU val has doc_to_messages, the others do not.
    [Fact]
    public void Shipped_tasks_take_the_layout_of_their_lmms_eval_yaml()
    {
        var catalog = TaskCatalog.Load(Path.Combine(TestPaths.RepoRoot, "tasks"), HookRegistry.CreateDefault());
        var tasks = catalog.Expand(["mmmu_val", "mmmu_test", "mmstar", "muirbench", "videomme"]).ToDictionary(t => t.Name, t => t.MessageLayout);
        Assert.Equal(MessageLayout.InterleavedAtImageTags, tasks["mmmu_val"]);
        Assert.Equal(MessageLayout.VisualsThenText, tasks["mmmu_test"]);
        Assert.Equal(MessageLayout.VisualsThenText, tasks["mmstar"]);
        Assert.Equal(MessageLayout.VisualsThenText, tasks["muirbench"]);
        Assert.Equal(MessageLayout.VisualsThenText, tasks["videomme"]);
    }

    // Several images (muirbench): all of them, in doc_to_visual's order, then the text; a float temperature is written as
    // Python's json writes it; no max_new_tokens → lmms-eval's 1024.
    [Fact]
    public void Multi_image_sends_every_image_in_order_then_the_text()
    {
        var a = Image(1, 1, 1);
        var b = Image(2, 3, 2);
        var c = Image(3, 1, 3);
        var body = new ChatRequestBuilder(Settings()).Build(Request("Which image differs?", [Input(a), Input(b), Input(c)], GenerationKwargs.Empty.With("temperature", 0.2)));

        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,<image 1>"}},{"type":"image_url","image_url":{"url":"data:image/png;base64,<image 2>"}},{"type":"image_url","image_url":{"url":"data:image/png;base64,<image 3>"}},{"type":"text","text":"Which image differs?"}]}],"model":"Qwen2-VL-7B-Instruct","max_tokens":1024,"temperature":0.2}""",
            Golden(body, a, b, c));
    }

    // A video: its sampled frames as images, then the text; max_frames_num frames are asked for.
    [Fact]
    public void Video_sends_its_sampled_frames_then_the_text()
    {
        var frames = new[] { Image(2, 2, 5), Image(2, 2, 6), Image(2, 2, 7) };
        var asked = new List<(string, int)>();
        var builder = new ChatRequestBuilder(Settings("model=llava-ov,max_frames_num=3"), (path, n) =>
        {
            asked.Add((path, n));
            return frames;
        });
        var body = builder.Build(Request("What happens?", [new VideoInput("/data/v.mp4")], GenerationKwargs.Empty.With("max_new_tokens", 16L)));

        Assert.Equal([("/data/v.mp4", 3)], asked);
        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,<image 1>"}},{"type":"image_url","image_url":{"url":"data:image/png;base64,<image 2>"}},{"type":"image_url","image_url":{"url":"data:image/png;base64,<image 3>"}},{"type":"text","text":"What happens?"}]}],"model":"llava-ov","max_tokens":16,"temperature":0}""",
            Golden(body, frames));
    }

    // simple/openai.py encode_video without video_fps: np.linspace(0, n-1, min(k, n), dtype=int), the last frame appended
    // when missing, sorted(set(...)). Values computed by hand from numpy's definition.
    [Theory]
    [InlineData(100, 10, new[] { 0, 11, 22, 33, 44, 55, 66, 77, 88, 99 })]
    [InlineData(5, 10, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(30, 4, new[] { 0, 9, 19, 29 })]
    [InlineData(7, 1, new[] { 0, 6 })]
    public void Video_frames_are_chosen_as_the_simple_class_chooses_them(int total, int frames, int[] expected) =>
        Assert.Equal(expected, ChatRequestBuilder.FrameIndices(total, frames));

    // pass_video_url: the chat class forwards a local video as a file:// URL and asks the server for max_frames_num
    // frames through extra_body media_io_kwargs; enable_thinking_kwarg becomes chat_template_kwargs (after it).
    [Fact]
    public void Pass_video_url_and_enable_thinking_go_into_extra_body()
    {
        var body = new ChatRequestBuilder(Settings("model=m,pass_video_url=true,max_frames_num=8,enable_thinking_kwarg=False"))
            .Build(Request("Describe.", [new VideoInput("/data/clip one.mp4")]));
        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"type":"video_url","video_url":{"url":"file:///data/clip one.mp4"}},{"type":"text","text":"Describe."}]}],"model":"m","max_tokens":1024,"temperature":0,"media_io_kwargs":{"video":{"num_frames":8}},"chat_template_kwargs":{"enable_thinking":false}}""",
            ChatRequestBuilder.Text(body));
    }

    // force_simple (lmms-eval --force_simple → models/simple/openai.py): the context first, then the images.
    [Fact]
    public void Force_simple_sends_the_text_first()
    {
        var image = Image(2, 1, 9);
        var body = new ChatRequestBuilder(Settings("model=m,force_simple=true")).Build(Request("Q <image 1>?", [Input(image)], layout: MessageLayout.InterleavedAtImageTags));
        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"type":"text","text":"Q <image 1>?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,<image 1>"}}]}],"model":"m","max_tokens":1024,"temperature":0}""",
            Golden(body, image));
    }

    // Reasoning model names: the chat class drops temperature and max_tokens and sends max_completion_tokens and
    // response_format {"type": "text"}.
    [Fact]
    public void Reasoning_model_names_get_max_completion_tokens()
    {
        var body = new ChatRequestBuilder(Settings("model=gpt-5-mini")).Build(Request("Hi", [], GenerationKwargs.Empty.With("max_new_tokens", 64L).With("temperature", 0.7)));
        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],"model":"gpt-5-mini","max_completion_tokens":64,"response_format":{"type":"text"}}""",
            ChatRequestBuilder.Text(body));
    }

    // Determinism: the same request gives the same bytes (builders built apart, images loaded afresh).
    [Fact]
    public void The_same_request_gives_the_same_bytes()
    {
        byte[] Once() => new ChatRequestBuilder(Settings()).Build(Request("Q", [Input(Image(17, 9, 4)), Input(Image(5, 5, 8))], GenerationKwargs.Empty.With("temperature", 0.0)));
        Assert.Equal(Once(), Once());
        Assert.Contains("\"temperature\":0.0", ChatRequestBuilder.Text(Once()), StringComparison.Ordinal);
    }

    // encode_image_to_base64_with_size_limit: while the PNG is over the limit and both sides exceed 100, ×0.75
    // (int() truncation): 400 → 300 → 225 → 168 → 126 → 94, then stop (94 ≤ 100) however large it still is.
    [Fact]
    public void Images_over_max_size_in_mb_shrink_by_three_quarters_down_to_100_px()
    {
        var big = Image(400, 400, 3);
        var png = ChatRequestBuilder.Shrink(big, maxBytes: 1);
        var decoded = ImageDecoder.Decode(png);
        Assert.Equal((94, 94), (decoded.Width, decoded.Height));

        var kept = ChatRequestBuilder.Shrink(big, maxBytes: 20L * 1024 * 1024);
        Assert.Equal(big.Pixels, ImageDecoder.Decode(kept).Pixels);
    }

    // 101 × 400: one step (101 > 100) to 75 × 300, then the short side stops it.
    [Fact]
    public void The_shrink_stops_at_the_first_side_not_over_100()
    {
        var decoded = ImageDecoder.Decode(ChatRequestBuilder.Shrink(Image(101, 400, 1), maxBytes: 1));
        Assert.Equal((75, 300), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Png_encoding_is_lossless()
    {
        var image = Image(31, 7, 200);
        Assert.Equal(image.Pixels, ImageDecoder.Decode(PngEncoder.Encode(image)).Pixels);
    }

    // The model's endpoint is its own: base_url else $OPENAI_API_BASE (URL-decoded, trailing slash dropped), api_key
    // else $OPENAI_API_KEY; model or model_version required; keys lmms-eval declares but we do not reproduce are refused.
    [Fact]
    public void Settings_follow_lmms_eval_and_refuse_what_is_not_reproduced()
    {
        var env = new Dictionary<string, string> { ["OPENAI_API_BASE"] = "http%3A%2F%2F127.0.0.1%3A8000%2Fv1/", ["OPENAI_API_KEY"] = "k-env" };
        var fromEnv = OpenAiSettings.Parse(new ModelArgs(Eval.Running.KeyValueList.Parse("model_version=m", "x")), "openai", env.GetValueOrDefault);
        Assert.Equal(("m", "http://127.0.0.1:8000/v1", "k-env"), (fromEnv.Model, fromEnv.BaseUrl.ToString().TrimEnd('/'), fromEnv.ApiKey));
        Assert.Equal((5, 32, 20, 10, TimeSpan.FromSeconds(1)), (fromEnv.MaxRetries, fromEnv.NumConcurrent, fromEnv.MaxSizeInMb, fromEnv.MaxFramesNum, fromEnv.RetryBackoff));
        var given = OpenAiSettings.Parse(new ModelArgs(Eval.Running.KeyValueList.Parse("model=m,base_url=http://h:1/v1,api_key=k-arg,timeout=30", "x")), "openai", env.GetValueOrDefault);
        Assert.Equal(("http://h:1/v1", "k-arg", TimeSpan.FromSeconds(30)), (given.BaseUrl.ToString().TrimEnd('/'), given.ApiKey, given.Timeout));

        Assert.Contains("model=NAME", Assert.Throws<ModelArgsException>(() => Settings("base_url=http://h/v1")).Message, StringComparison.Ordinal);
        Assert.Contains("azure_openai", Assert.Throws<ModelArgsException>(() => Settings("model=m,azure_openai=true")).Message, StringComparison.Ordinal);
        Assert.Contains("--batch-size 8", Assert.Throws<ModelArgsException>(() => Settings("model=m,batch_size=8")).Message, StringComparison.Ordinal);
        Assert.Contains("num_concurrent=0", Assert.Throws<ModelArgsException>(() => Settings("model=m,num_concurrent=0")).Message, StringComparison.Ordinal);

        var factory = Eval.Backends.BackendRegistry.Default.Get("openai");
        var unknown = Assert.Throws<Eval.Errors.ConfigException>(() => Eval.Backends.BackendRegistry.CheckArgs(factory, new ModelArgs(Eval.Running.KeyValueList.Parse("model=m,pretrained=x", "x"))));
        Assert.Contains("pretrained", unknown.Message, StringComparison.Ordinal);
        Assert.False(factory.MayUseSampleData(ModelArgs.Empty));
        Assert.Same(typeof(OpenAiCompatibleBackendFactory), Eval.Backends.BackendRegistry.Default.Get("openai_compatible").GetType());
    }

    // forward_gen_kwargs (ours, for a server running our backends): every other setting under its name, in key order,
    // then the request's per-doc seed; without it only max_tokens and temperature go (as lmms-eval).
    [Fact]
    public void Forward_gen_kwargs_sends_the_other_settings_and_the_seed()
    {
        var kwargs = GenerationKwargs.Empty.With("max_new_tokens", 128L).With("gen_length", 2L).With("steps", 2L).With("remasking", "low_confidence").With("until", new[] { "\n\n" }).With("cfg_scale", 0.0);
        var request = new GenerationRequest(new TaskName("t"), new DocId(3), "Q", kwargs, () => [], 1234567890123UL);
        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"type":"text","text":"Q"}]}],"model":"m","max_tokens":128,"temperature":0,"cfg_scale":0.0,"gen_length":2,"remasking":"low_confidence","steps":2,"until":["\n\n"],"seed":1234567890123}""",
            ChatRequestBuilder.Text(new ChatRequestBuilder(Settings("model=m,forward_gen_kwargs=true")).Build(request)));
        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"type":"text","text":"Q"}]}],"model":"m","max_tokens":128,"temperature":0}""",
            ChatRequestBuilder.Text(new ChatRequestBuilder(Settings("model=m")).Build(request)));
    }

    [Fact]
    public void Api_keys_are_left_out_of_what_is_written()
    {
        Assert.Equal("model=m,base_url=http://h/v1", Eval.Errors.Redact.ModelArgs("model=m,api_key=sk-secret,base_url=http://h/v1"));
        Assert.Equal("model=m", Eval.Errors.Redact.ModelArgs("model=m"));
        Assert.Equal("--model-args=model=m", Eval.Errors.Redact.ModelArgs("--model-args=model=m,api_key=sk-secret"));
    }
}
