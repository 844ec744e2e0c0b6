using System.Globalization;
using System.Text;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// The logic of <c>lladav-eval tokenize</c>, kept here so it is testable without the CLI: load a tokenizer folder,
/// encode the text (special tokens written in it are matched; the post-processor runs only on request), format the ids.
/// </summary>
public static class TokenizeTool
{
    /// <summary>Encodes <paramref name="text"/> with the tokenizer in <paramref name="tokenizerDirectory"/> and formats the ids.</summary>
    /// <exception cref="TokenizerException">The tokenizer folder cannot be read.</exception>
    public static string Run(string tokenizerDirectory, string text, bool addSpecialTokens, bool json)
    {
        var tokenizer = HfTokenizer.Load(tokenizerDirectory);
        return FormatIds(tokenizer.Encode(text, addSpecialTokens), json);
    }

    /// <summary><c>{"ids": [1, 2, 3]}</c> with <paramref name="json"/>, else the ids separated by single spaces.</summary>
    public static string FormatIds(IReadOnlyList<int> ids, bool json)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sb = new StringBuilder();
        var separator = json ? ", " : " ";
        if (json)
        {
            sb.Append("{\"ids\": [");
        }

        for (var i = 0; i < ids.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(separator);
            }

            sb.Append(ids[i].ToString(CultureInfo.InvariantCulture));
        }

        return json ? sb.Append("]}").ToString() : sb.ToString();
    }
}
