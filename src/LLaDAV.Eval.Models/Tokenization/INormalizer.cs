using System.Text;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>Rewrites text before pre-tokenization (HF <c>Normalizer</c>; offsets are not tracked here).</summary>
internal interface INormalizer
{
    string Normalize(string text);
}

/// <summary><c>Sequence</c>: the normalizers in order.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<INormalizer> steps) : INormalizer
{
    public string Normalize(string text)
    {
        foreach (var step in steps)
        {
            text = step.Normalize(text);
        }

        return text;
    }
}

/// <summary><c>NFC</c>, <c>NFD</c>, <c>NFKC</c>, <c>NFKD</c> (tokenizers/src/normalizers/unicode.rs).</summary>
internal sealed class UnicodeFormNormalizer(NormalizationForm form) : INormalizer
{
    /// <summary>
    /// Whether <see cref="string.Normalize(NormalizationForm)"/> works in this process. With invariant globalization
    /// (no ICU, as this solution builds) it returns its input unchanged, which would silently skip the normalizer.
    /// </summary>
    public static bool IsAvailable { get; } = "e\u0301".Normalize(NormalizationForm.FormC) == "\u00E9";

    public string Normalize(string text) => text.Normalize(form);
}

/// <summary><c>Lowercase</c> (tokenizers/src/normalizers/utils.rs; Rust's <c>to_lowercase</c>).</summary>
internal sealed class LowercaseNormalizer : INormalizer
{
    public string Normalize(string text) => text.ToLowerInvariant();
}

/// <summary><c>Prepend</c>: puts a fixed string before non-empty text (tokenizers/src/normalizers/prepend.rs).</summary>
internal sealed class PrependNormalizer(string prefix) : INormalizer
{
    public string Normalize(string text) => text.Length == 0 ? text : prefix + text;
}

/// <summary><c>Replace</c> with a <c>String</c> pattern (tokenizers/src/normalizers/replace.rs).</summary>
internal sealed class ReplaceNormalizer(string pattern, string content) : INormalizer
{
    public string Normalize(string text) => pattern.Length == 0 ? text : text.Replace(pattern, content, StringComparison.Ordinal);
}
