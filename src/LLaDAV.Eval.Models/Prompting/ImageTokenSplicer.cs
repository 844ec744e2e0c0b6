using LLaDAV.Eval.Models.Tokenization;

namespace LLaDAV.Eval.Models.Prompting;

/// <summary>
/// LLaVA's <c>tokenizer_image_token</c> (llava/mm_utils.py): the prompt is split on <c>&lt;image&gt;</c>, each chunk is
/// tokenized with the tokenizer's default special-token handling, and the chunks are joined by
/// <see cref="ImageTokenIndex"/>. When the first chunk starts with the BOS id, LLaVA keeps that BOS once and then drops
/// the first id of <em>every</em> chunk (meant to drop each chunk's auto-added BOS). A tokenizer that does not add BOS
/// itself therefore loses the first real token after each <c>&lt;image&gt;</c> (LLaDA-V: the <c>"\n"</c>), and one that
/// does keeps a double BOS at the start (LLaMA3-V) — docs/LLADAV-MODEL.md §5.2 and §9. Both are reproduced for score parity.
/// </summary>
public static class ImageTokenSplicer
{
    /// <summary>LLaVA's <c>IMAGE_TOKEN_INDEX</c>, replaced later by the image's visual tokens.</summary>
    public const int ImageTokenIndex = -200;

    /// <summary>The prompt's ids with one <see cref="ImageTokenIndex"/> per <c>&lt;image&gt;</c>.</summary>
    public static int[] Tokenize(HfTokenizer tokenizer, string prompt)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);

        // prompt_chunks = [tokenizer(chunk).input_ids for chunk in prompt.split("<image>")]
        var chunks = prompt.Split(LlavaPrompt.ImagePlaceholder).Select(c => tokenizer.Encode(c, addSpecialTokens: true)).ToList();

        // if prompt_chunks[0][0] == tokenizer.bos_token_id: offset = 1; input_ids.append(prompt_chunks[0][0])
        var ids = new List<int>();
        var offset = 0;
        if (chunks[0].Length > 0 && tokenizer.BosTokenId is int bos && chunks[0][0] == bos)
        {
            offset = 1;
            ids.Add(bos);
        }

        // for x in insert_separator(prompt_chunks, [IMAGE_TOKEN_INDEX] * (offset + 1)): input_ids.extend(x[offset:])
        for (var i = 0; i < chunks.Count; i++)
        {
            if (i > 0)
            {
                ids.Add(ImageTokenIndex);
            }

            ids.AddRange(chunks[i].Skip(offset));
        }

        return [.. ids];
    }
}
