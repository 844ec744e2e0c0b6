using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace LLaDAV.Eval.Judging;

/// <summary>
/// One judge question: a named lmms-eval prompt template and the inputs filled into it. The cache key is
/// (judge model, <see cref="TemplateHash"/>, <see cref="InputHash"/>), so changing a template invalidates only its
/// own entries.
/// </summary>
public sealed record JudgePrompt(string TemplateName, string Template, ImmutableSortedDictionary<string, string> Inputs)
{
    public static JudgePrompt Create(string templateName, string template, params (string Key, string Value)[] inputs) =>
        new(templateName, template, inputs.ToImmutableSortedDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal));

    /// <summary>The template with each <c>{key}</c> replaced by its input (Python <c>str.format</c> for plain keys; <c>{{</c>/<c>}}</c> become braces).</summary>
    public string Render()
    {
        var sb = new StringBuilder(Template.Length + 256);
        for (var i = 0; i < Template.Length; i++)
        {
            var c = Template[i];
            if (c == '{' && i + 1 < Template.Length && Template[i + 1] == '{')
            {
                sb.Append('{');
                i++;
                continue;
            }

            if (c == '}' && i + 1 < Template.Length && Template[i + 1] == '}')
            {
                sb.Append('}');
                i++;
                continue;
            }

            if (c == '{')
            {
                var end = Template.IndexOf('}', i + 1);
                if (end > i && Inputs.TryGetValue(Template[(i + 1)..end], out var value))
                {
                    sb.Append(value);
                    i = end;
                    continue;
                }

                throw new FormatException($"Judge template '{TemplateName}' has a placeholder at offset {i} with no input; inputs: {string.Join(", ", Inputs.Keys)}.");
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    public string TemplateHash => Sha256(Template);

    /// <summary>SHA-256 over the inputs as key\0value\0 pairs in key order.</summary>
    public string InputHash => Sha256(string.Concat(Inputs.Select(kv => kv.Key + "\0" + kv.Value + "\0")));

    internal static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
