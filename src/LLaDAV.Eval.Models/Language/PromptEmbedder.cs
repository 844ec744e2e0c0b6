using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Language;

/// <summary>
/// Builds the LM input of §5.2: <c>embed(text ids before) ‖ visual tokens ‖ embed(text ids after)</c>, each
/// <see cref="ImagePlaceholderId"/> replaced, in order, by the next image's feature rows.
/// </summary>
public static class PromptEmbedder
{
    /// <summary>LLaVA's IMAGE_TOKEN_INDEX.</summary>
    public const int ImagePlaceholderId = -200;

    public static int Length(IReadOnlyList<int> ids, IReadOnlyList<Tensor> images)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(images);
        var placeholders = ids.Count(id => id == ImagePlaceholderId);
        if (placeholders != images.Count)
        {
            throw new ArgumentException($"The prompt has {placeholders} image placeholders but {images.Count} images were encoded.", nameof(images));
        }

        return ids.Count - placeholders + images.Sum(t => t.RowCount);
    }

    public static Tensor Build(LanguageModel model, IReadOnlyList<int> ids, IReadOnlyList<Tensor> images)
    {
        ArgumentNullException.ThrowIfNull(model);
        var length = Length(ids, images);
        var result = model.Backend.Allocate(new TensorShape(length, model.Config.HiddenSize));
        var row = 0;
        var image = 0;
        var start = 0;
        for (var i = 0; i <= ids.Count; i++)
        {
            if (i < ids.Count && ids[i] != ImagePlaceholderId)
            {
                continue;
            }

            var n = i - start;
            if (n > 0)
            {
                model.Embed(ids.Skip(start).Take(n).ToArray(), result.Rows(row, n));
                row += n;
            }

            if (i < ids.Count)
            {
                var features = images[image++];
                model.Backend.Copy(features, result.Rows(row, features.RowCount));
                row += features.RowCount;
            }

            start = i + 1;
        }

        return result;
    }
}
