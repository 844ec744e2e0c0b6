using LLaDAV.Eval.Models.Tokenization;

namespace LLaDAV.Eval.Models.Tests.Tokenization;

/// <summary>
/// Added-token matching flags on a hand-written tokenizer, with the expectations derived from HF tokenizers'
/// <c>AddedVocabulary::find_matches</c> and <c>extract_and_normalize</c> (added_vocabulary.rs): non-normalized tokens
/// are found in the raw text, normalized ones in the normalized text; lstrip/rstrip swallow whitespace; single_word
/// rejects a match glued to word characters. No pre-tokenizer and no decoder: the model sees each plain segment whole
/// and decoding joins tokens with spaces.
/// </summary>
public sealed class AddedTokenTests : IDisposable
{
    private const string Json = """
        {
          "added_tokens": [
            {"id": 10, "content": "<x>", "single_word": false, "lstrip": true, "rstrip": false, "normalized": false, "special": true},
            {"id": 11, "content": "<y>", "single_word": false, "lstrip": false, "rstrip": true, "normalized": false, "special": false},
            {"id": 12, "content": "<w>", "single_word": true, "lstrip": false, "rstrip": false, "normalized": false, "special": false},
            {"id": 13, "content": "ab", "single_word": false, "lstrip": false, "rstrip": false, "normalized": true, "special": false}
          ],
          "normalizer": {"type": "Lowercase"},
          "pre_tokenizer": null,
          "post_processor": null,
          "decoder": null,
          "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, " ": 2, "<": 4, "w": 5, ">": 6, "ba": 7}, "merges": ["b a"]}
        }
        """;

    private readonly TempTokenizerFolder _folder = new(Json);
    private readonly HfTokenizer _tokenizer;

    public AddedTokenTests() => _tokenizer = HfTokenizer.Load(_folder.Path);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Lstrip_swallows_the_spaces_on_the_left() => Assert.Equal([0, 10, 1], _tokenizer.Encode("a  <x>b", false));

    [Fact]
    public void Rstrip_swallows_the_spaces_on_the_right() => Assert.Equal([0, 11, 1], _tokenizer.Encode("a<y> \t b", false));

    [Fact]
    public void Single_word_token_is_not_matched_inside_a_word() => Assert.Equal([0, 4, 5, 6, 1], _tokenizer.Encode("a<w>b", false));

    [Fact]
    public void Single_word_token_is_matched_between_spaces() => Assert.Equal([2, 12, 2], _tokenizer.Encode(" <w> ", false));

    [Fact]
    public void Normalized_token_is_found_after_normalization()
    {
        // "BAB" lowercases to "bab": the leftmost normalized match is "ab" at 1, leaving "b" before it.
        Assert.Equal([1, 13], _tokenizer.Encode("BAB", false));
    }

    [Fact]
    public void Raw_tokens_split_before_normalization_and_merges_still_apply()
    {
        // "<x>" is found in the raw text first; "BA" → "ba" merges to id 7.
        Assert.Equal([7, 10, 0], _tokenizer.Encode("BA<x>A", false));
    }

    [Fact]
    public void Decode_joins_tokens_with_spaces_without_a_decoder_and_skips_specials_on_request()
    {
        Assert.Equal("a <x> b", _tokenizer.Decode([0, 10, 1]));
        Assert.Equal("a b", _tokenizer.Decode([0, 10, 1], skipSpecialTokens: true));
    }

    [Fact]
    public void Token_lookups_cover_added_and_model_tokens()
    {
        Assert.Equal(10, _tokenizer.TokenToId("<x>"));
        Assert.Equal(7, _tokenizer.TokenToId("ba"));
        Assert.Null(_tokenizer.TokenToId("zz"));
        Assert.Equal("ab", _tokenizer.IdToToken(13));
        Assert.Null(_tokenizer.IdToToken(3));
        Assert.Equal(11, _tokenizer.VocabSize);
    }
}
