using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Media.Images.Codecs;
using LLaDAV.Eval.Media.Resampling;
using LLaDAV.Eval.Media.Video;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Tasks.Common;

namespace LLaDAV.Eval.Backends.OpenAi;

/// <summary>One content part of the user message.</summary>
public abstract record ChatPart;

/// <summary><c>{"type": "text", "text": ...}</c>.</summary>
public sealed record TextPart(string Text) : ChatPart;

/// <summary><c>{"type": "image_url", "image_url": {"url": "data:image/png;base64,..."}}</c>.</summary>
public sealed record ImageUrlPart(string Url) : ChatPart;

/// <summary><c>{"type": "video_url", "video_url": {"url": "file:///..."}}</c> (lmms-eval's <c>pass_video_url</c>: <c>f"file://{os.path.abspath(url)}"</c>, not percent-encoded).</summary>
public sealed record VideoUrlPart(string Url) : ChatPart;

/// <summary>
/// Builds the chat-completions request body for one document, as lmms-eval 75571cf builds it:
/// <list type="bullet">
/// <item>chat class (<c>models/chat/openai.py</c> <c>build_payload_for_index</c>, the default for <c>--model openai</c>):
/// the task's <c>doc_to_messages</c> (<see cref="MessageLayout"/>: MMMU interleaves images at its <c>&lt;image k&gt;</c>
/// tags), else <c>api/task.py</c> <c>_auto_doc_to_messages</c>: every visual first, then the text; converted by
/// <c>protocol.py</c> <c>ChatMessages.to_openai_messages</c> (images as PNG data URLs, <c>LMMS_IMAGE_ENCODE_FORMAT</c>'s
/// default).</item>
/// <item>simple class (<c>models/simple/openai.py</c>, lmms-eval's <c>--force_simple</c>; here <c>force_simple=true</c>):
/// the rendered context first, then every image.</item>
/// </list>
/// Images are shrunk as <c>encode_image_to_base64_with_size_limit</c> does (×0.75 with LANCZOS while the PNG exceeds
/// <c>max_size_in_mb</c> and both sides exceed 100 px). Videos become <c>max_frames_num</c> frames chosen as the simple
/// class's <c>encode_video</c> chooses them (<c>np.linspace(0, n-1, min(k, n), dtype=int)</c>, the last frame added when
/// missing, duplicates dropped), or with <c>pass_video_url=true</c> one <c>file://</c> URL. Sent generation settings:
/// <c>max_tokens</c> ← <c>max_new_tokens</c> (default 1024) and <c>temperature</c> (default 0), nothing else; for
/// o1/o3/o4/gpt-5 model names <c>max_completion_tokens</c> and <c>response_format</c> instead, as upstream.
/// Keys are written in the order the openai-python client serialises them (messages, model, then its alphabetical
/// parameters, then <c>extra_body</c>), compact; the same request gives the same bytes on every run.
/// </summary>
public sealed class ChatRequestBuilder(OpenAiSettings settings, Func<string, int, IReadOnlyList<RgbImage>>? videoFrames = null)
{
    private static readonly JsonWriterOptions s_writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    private readonly Func<string, int, IReadOnlyList<RgbImage>> _videoFrames = videoFrames ?? SampleFrames;

    /// <summary>The message parts of a request, in order.</summary>
    public IReadOnlyList<ChatPart> Parts(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var visuals = request.Visuals();
        if (settings.ForceSimple)
        {
            return [new TextPart(request.Context), .. visuals.SelectMany(VisualParts)];
        }

        if (request.Layout == MessageLayout.InterleavedAtImageTags)
        {
            return Interleaved(request.Context, visuals);
        }

        return [.. visuals.SelectMany(VisualParts), new TextPart(request.Context)];
    }

    /// <summary>The request body, UTF-8 JSON.</summary>
    public byte[] Build(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parts = Parts(request);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, s_writer))
        {
            w.WriteStartObject();
            w.WriteStartArray("messages");
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteStartArray("content");
            foreach (var part in parts)
            {
                w.WriteStartObject();
                switch (part)
                {
                    case TextPart t:
                        w.WriteString("type", "text");
                        w.WriteString("text", t.Text);
                        break;
                    case ImageUrlPart i:
                        w.WriteString("type", "image_url");
                        w.WriteStartObject("image_url");
                        w.WriteString("url", i.Url);
                        w.WriteEndObject();
                        break;
                    case VideoUrlPart v:
                        w.WriteString("type", "video_url");
                        w.WriteStartObject("video_url");
                        w.WriteString("url", v.Url);
                        w.WriteEndObject();
                        break;
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("model", settings.Model);
            var maxTokens = request.Kwargs.TryGet("max_new_tokens", out var m) ? m : 1024L;
            var temperature = request.Kwargs.TryGet("temperature", out var t0) ? t0 : 0L;
            if (IsReasoningModel(settings.Model, settings.ForceSimple))
            {
                w.WritePropertyName("max_completion_tokens");
                WriteNumber(w, maxTokens);
                if (settings.ForceSimple)
                {
                    w.WriteString("reasoning_effort", "medium");
                }

                w.WriteStartObject("response_format");
                w.WriteString("type", "text");
                w.WriteEndObject();
            }
            else
            {
                w.WritePropertyName("max_tokens");
                WriteNumber(w, maxTokens);
                w.WritePropertyName("temperature");
                WriteNumber(w, temperature);
            }

            // extra_body, merged after the parameters by the client, in the order the chat class fills it.
            if (!settings.ForceSimple && settings.PassVideoUrl)
            {
                w.WriteStartObject("media_io_kwargs");
                w.WriteStartObject("video");
                w.WriteNumber("num_frames", settings.MaxFramesNum);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            if (!settings.ForceSimple && settings.EnableThinking is { } thinking)
            {
                w.WriteStartObject("chat_template_kwargs");
                w.WriteBoolean("enable_thinking", thinking);
                w.WriteEndObject();
            }

            if (settings.ForwardGenKwargs)
            {
                // Ours, off by default (lmms-eval sends only the two above): the remaining settings under their own
                // names, in ordinal key order, then the per-doc seed, so a server running our backends (lladav-eval
                // serve) generates exactly what the in-process backend generates for this document.
                foreach (var (key, value) in request.Kwargs.Values.Where(kv => kv.Key is not ("max_new_tokens" or "temperature") && !s_bodyKeys.Contains(kv.Key)))
                {
                    w.WritePropertyName(key);
                    WriteValue(w, value);
                }

                // OpenAI's seed is a signed 64-bit integer: the doc seed's bits as one (serve maps it back the same way).
                w.WriteNumber("seed", unchecked((long)request.Seed));
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The chat class pops temperature/max_tokens for names containing o1, o3, o4 or gpt-5; the simple class for o1, o3
    /// (and adds <c>reasoning_effort: medium</c>). Upstream matches substrings; so do we.
    /// </summary>
    public static bool IsReasoningModel(string model, bool simple) =>
        model.Contains("o1", StringComparison.Ordinal) || model.Contains("o3", StringComparison.Ordinal)
        || (!simple && (model.Contains("o4", StringComparison.Ordinal) || model.Contains("gpt-5", StringComparison.Ordinal)));

    /// <summary>
    /// <c>mmmu_doc_to_messages</c>: doc_to_text with <c>interleaved_format</c> on (<c>replace_images_tokens</c>: &lt;image 1&gt;..&lt;image 7&gt;
    /// become &lt;image&gt;), split at &lt;image&gt;; visual i follows segment i when that segment exists and is not blank
    /// after <c>.strip()</c>; the stripped last segment always ends the message.
    /// </summary>
    private List<ChatPart> Interleaved(string context, IReadOnlyList<VisualInput> visuals)
    {
        var text = context;
        for (var i = 1; i < 8; i++)
        {
            text = text.Replace($"<image {i}>", "<image>", StringComparison.Ordinal);
        }

        var segments = text.Split("<image>");
        var parts = new List<ChatPart>();
        for (var i = 0; i < visuals.Count; i++)
        {
            if (i < segments.Length - 1 && PyStr.Strip(segments[i]) is { Length: > 0 } before)
            {
                parts.Add(new TextPart(before));
            }

            parts.AddRange(VisualParts(visuals[i]));
        }

        parts.Add(new TextPart(PyStr.Strip(segments[^1])));
        return parts;
    }

    private IEnumerable<ChatPart> VisualParts(VisualInput visual) => visual switch
    {
        ImageInput image => [new ImageUrlPart(DataUrl(Shrink(image.Load(), settings.MaxSizeInMb * 1024L * 1024L)))],
        VideoInput video when settings.PassVideoUrl && !settings.ForceSimple => [new VideoUrlPart("file://" + Path.GetFullPath(video.Path))],
        VideoInput video => [.. _videoFrames(video.Path, settings.MaxFramesNum).Select(f => (ChatPart)new ImageUrlPart(DataUrl(PngEncoder.Encode(f))))],
        _ => throw new NotSupportedException($"Visual input {visual.GetType().Name} cannot be sent to an OpenAI-compatible server."),
    };

    private static string DataUrl(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    /// <summary>
    /// <c>encode_image_to_base64_with_size_limit(max_size_bytes, image_format="PNG", resize_factor=0.75, min_side=100,
    /// resample=LANCZOS)</c>: PNG bytes, shrunk while larger than the limit and both sides exceed 100 px.
    /// </summary>
    public static byte[] Shrink(RgbImage image, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(image);
        var bytes = PngEncoder.Encode(image);
        while (bytes.Length > maxBytes && image.Width > 100 && image.Height > 100)
        {
            image = PilResize.Resize(image, (int)(image.Width * 0.75), (int)(image.Height * 0.75), ResampleFilter.Lanczos);
            bytes = PngEncoder.Encode(image);
        }

        return bytes;
    }

    /// <summary>The simple class's <c>encode_video</c> frame choice (no <c>video_fps</c>), decoded through ffmpeg.</summary>
    public static IReadOnlyList<int> FrameIndices(int totalFrames, int framesNum)
    {
        if (totalFrames <= 0)
        {
            return [];
        }

        var count = Math.Min(Math.Max(1, framesNum), totalFrames);
        var indices = FrameSampling.UniformIndices(totalFrames, count).ToList();
        if (!indices.Contains(totalFrames - 1))
        {
            indices.Add(totalFrames - 1);
        }

        return [.. indices.Distinct().Order()];
    }

    private static IReadOnlyList<RgbImage> SampleFrames(string path, int framesNum)
    {
        var info = VideoReader.Default.Probe(path);
        return [.. VideoReader.Default.ReadFrames(info, FrameIndices(info.FrameCount, framesNum)).Select(f => f.Image)];
    }

    /// <summary>Keys the body already has: a generation setting of the same name is never forwarded over them.</summary>
    private static readonly HashSet<string> s_bodyKeys = new(StringComparer.Ordinal)
    {
        "messages", "model", "max_tokens", "max_completion_tokens", "temperature", "response_format", "reasoning_effort",
        "media_io_kwargs", "chat_template_kwargs", "seed", "stream",
    };

    private static void WriteValue(Utf8JsonWriter w, object value)
    {
        if (value is System.Collections.IEnumerable list and not string)
        {
            w.WriteStartArray();
            foreach (var item in list)
            {
                WriteValue(w, item ?? "");
            }

            w.WriteEndArray();
            return;
        }

        WriteNumber(w, value);
    }

    /// <summary>An integer as an integer, a float as Python's <c>json.dumps</c> writes it (<c>0.0</c>, <c>0.2</c>).</summary>
    private static void WriteNumber(Utf8JsonWriter w, object value)
    {
        switch (value)
        {
            case long l:
                w.WriteNumberValue(l);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case double d:
                w.WriteRawValue(PyFloat.Repr(d), skipInputValidation: true);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            default:
                w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>The body as text (tests, logs of the request shape).</summary>
    public static string Text(byte[] body) => Encoding.UTF8.GetString(body);
}
