using LLaDAV.Eval.Models.Tokenization;

namespace LLaDAV.Eval.Models.Tests.Tokenization;

/// <summary>Malformed or unsupported tokenizer files give one <see cref="TokenizerException"/> naming file and key.</summary>
public sealed class TokenizerErrorTests
{
    private const string Model = """{"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}""";

    [Fact]
    public void Missing_folder()
    {
        var e = Assert.Throws<TokenizerException>(() => HfTokenizer.Load("/nonexistent/tokenizer/folder"));
        Assert.Equal("/nonexistent/tokenizer/folder", e.FilePath);
    }

    [Fact]
    public void Missing_tokenizer_json()
    {
        using var folder = new TempTokenizerFolder(null);
        var e = Assert.Throws<TokenizerException>(() => HfTokenizer.Load(folder.Path));
        Assert.EndsWith("tokenizer.json", e.FilePath, StringComparison.Ordinal);
        Assert.Contains("not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json()
    {
        using var folder = new TempTokenizerFolder("{\"model\": {\"type\": \"BPE\",");
        var e = Assert.Throws<TokenizerException>(() => HfTokenizer.Load(folder.Path));
        Assert.Equal("(root)", e.Key);
    }

    [Fact]
    public void Unsupported_model_type()
    {
        using var folder = new TempTokenizerFolder("""{"model": {"type": "Unigram", "vocab": {}, "merges": []}}""");
        var e = Assert.Throws<TokenizerException>(() => HfTokenizer.Load(folder.Path));
        Assert.Equal("model.type", e.Key);
        Assert.Contains("Unigram", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_pre_tokenizer_inside_a_sequence()
    {
        using var folder = new TempTokenizerFolder("""{"model": """ + Model + """, "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Metaspace"}]}}""");
        var e = Assert.Throws<TokenizerException>(() => HfTokenizer.Load(folder.Path));
        Assert.Equal("pre_tokenizer.pretokenizers[0].type", e.Key);
        Assert.Contains("Metaspace", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_regex_construct()
    {
        using var folder = new TempTokenizerFolder("""{"model": """ + Model + """, "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "\\p{Han}+"}, "behavior": "Isolated", "invert": false}}""");
        var e = Assert.Throws<TokenizerException>(() => HfTokenizer.Load(folder.Path));
        Assert.Equal("pre_tokenizer.pattern.Regex", e.Key);
        Assert.Contains("Han", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unicode_normalizer_is_refused_where_the_runtime_cannot_normalize()
    {
        // Invariant globalization makes string.Normalize a no-op; the reader must say so instead of skipping NFC.
        using var folder = new TempTokenizerFolder("""{"model": """ + Model + """, "normalizer": {"type": "NFC"}}""");
        if (UnicodeFormNormalizer.IsAvailable)
        {
            Assert.Equal([2], HfTokenizer.Load(folder.Path).Encode("ab", false));
        }
        else
        {
            var e = Assert.Throws<TokenizerException>(() => HfTokenizer.Load(folder.Path));
            Assert.Equal("normalizer.type", e.Key);
        }
    }

    [Fact]
    public void Merge_with_an_unknown_token()
    {
        using var folder = new TempTokenizerFolder("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a z"]}}""");
        var e = Assert.Throws<TokenizerException>(() => HfTokenizer.Load(folder.Path));
        Assert.Equal("model.merges[0]", e.Key);
    }

    [Fact]
    public void Bad_flag_in_tokenizer_config()
    {
        using var folder = new TempTokenizerFolder("""{"model": """ + Model + "}", """{"add_bos_token": "yes"}""");
        var e = Assert.Throws<TokenizerException>(() => HfTokenizer.Load(folder.Path));
        Assert.EndsWith("tokenizer_config.json", e.FilePath, StringComparison.Ordinal);
        Assert.Equal("add_bos_token", e.Key);
    }
}
