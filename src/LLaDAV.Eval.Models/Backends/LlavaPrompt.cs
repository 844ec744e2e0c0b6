using System.Text;
using LLaDAV.Eval.Models.Language;
using LLaDAV.Eval.Models.Tokenization;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// Renders a task context the way lmms-eval's LLaVA-OneVision(-LLaDA) model does (§4 placeholder insertion, §5.1
/// templates, §9) and tokenizes it with LLaVA's <c>tokenizer_image_token</c> (§5.2).
/// </summary>
public static class LlavaPrompt
{
    /// <summary>
    /// The user message: if the context has no <c>&lt;image&gt;</c>, <c>"&lt;image&gt;"</c> × n joined by spaces, a
    /// newline, then the context, plus the think suffix (<c>" /no_think"</c> / <c>" /think"</c>, LLaDA-V only, §5.1)
    /// in that branch. Contexts that already place their images are left as they are.
    /// </summary>
    public static string UserMessage(string context, int images, string? thinkMode)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (images == 0 || context.Contains(LlavaFamilies.ImageToken, StringComparison.Ordinal))
        {
            return context;
        }

        var sb = new StringBuilder();
        sb.Append(string.Join(' ', Enumerable.Repeat(LlavaFamilies.ImageToken, images))).Append('\n').Append(context);
        if (thinkMode is "think" or "no_think")
        {
            sb.Append(" /").Append(thinkMode);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Chat template of both families (system + one user turn + assistant header; Jinja <c>| trim</c> applies to
    /// each message's content): <c>{bos}&lt;|start_header_id|&gt;system…&lt;|eot_id|&gt;…assistant&lt;|end_header_id|&gt;\n\n</c>.
    /// </summary>
    public static string Render(LlavaFamily family, string userMessage)
    {
        ArgumentNullException.ThrowIfNull(userMessage);
        static string Turn(string role, string content) => $"<|start_header_id|>{role}<|end_header_id|>\n\n{content.Trim()}<|eot_id|>";
        return LlavaFamilies.TemplateBos(family) + Turn("system", LlavaFamilies.SystemPrompt) + Turn("user", userMessage) + "<|start_header_id|>assistant<|end_header_id|>\n\n";
    }

    /// <summary>
    /// LLaVA <c>tokenizer_image_token</c>: tokenize each chunk between <c>&lt;image&gt;</c>s with default special-token
    /// handling; when the first chunk starts with BOS, emit it once and drop the first id of every chunk (so a
    /// tokenizer that does not add BOS itself loses the first real token after each image, §5.2), chunks joined by −200.
    /// </summary>
    public static int[] TokenizeWithImages(HfTokenizer tokenizer, string prompt)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);
        var chunks = prompt.Split(LlavaFamilies.ImageToken).Select(c => tokenizer.Encode(c, addSpecialTokens: true)).ToList();
        var ids = new List<int>();
        var offset = 0;
        if (chunks.Count > 0 && chunks[0].Length > 0 && chunks[0][0] == tokenizer.BosTokenId)
        {
            offset = 1;
            ids.Add(chunks[0][0]);
        }

        for (var i = 0; i < chunks.Count; i++)
        {
            if (i > 0)
            {
                ids.Add(PromptEmbedder.ImagePlaceholderId);
            }

            ids.AddRange(chunks[i].Skip(offset));
        }

        return [.. ids];
    }
}
