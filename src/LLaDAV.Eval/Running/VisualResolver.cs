using LLaDAV.Eval.Data;
using LLaDAV.Eval.Media.Images;
using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Running;

/// <summary>
/// Turns <c>doc_to_visual</c>'s references into the model contract's lazy inputs. Nothing is decoded here: an
/// image is decoded (PIL <c>convert("RGB")</c> semantics) only when a backend calls <see cref="ImageInput.Load"/>.
/// </summary>
public static class VisualResolver
{
    public static IReadOnlyList<VisualInput> Resolve(IReadOnlyList<VisualRef> refs) => refs.Select(Resolve).ToList();

    private static VisualInput Resolve(VisualRef visual) => visual switch
    {
        ImageRef { Bytes: { } bytes } image => new ImageInput(image.ToString(), () => ImageDecoder.Decode(bytes)),
        ImageRef { Path: { } path } image => new ImageInput(image.ToString(), () => File.Exists(path)
            ? ImageDecoder.DecodeFile(path)
            // A missing file is missing media (skippable with --skip-missing-media), not a decoding error.
            : throw new Errors.MissingMediaException($"Image file {path} (column '{image.Column}') does not exist. Put the dataset's images there, or pass --skip-missing-media to record such samples as skipped.", [path])),
        ImageRef image => throw new Errors.DataException($"Image column '{image.Column}' has neither bytes nor a path."),
        VideoRef video => new VideoInput(video.Path),
        _ => throw new ArgumentException($"Unknown visual reference {visual.GetType().Name}.", nameof(visual)),
    };
}
