using System.Text.RegularExpressions;
using LLaDAV.Eval.Models.Tokenization;

namespace LLaDAV.Eval.Models.Tests.Tokenization;

/// <summary>
/// Oniguruma → .NET pattern translation. Expectations follow Oniguruma's semantics on code points (doc/RE of
/// Oniguruma: possessive <c>*+</c> never gives back; classes match one code point, supplementary ones included).
/// </summary>
public sealed class RegexTranslationTests
{
    private const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Possessive_quantifiers_do_not_give_back(bool surrogateAware)
    {
        Assert.False(Matches("^a*+a$", "aaa", surrogateAware));
        Assert.True(Matches("^a*a$", "aaa", surrogateAware));
        Assert.False(Matches(@"^\p{L}++a$", "bba", surrogateAware));
    }

    [Fact]
    public void Interval_without_lower_bound_means_zero() => Assert.True(Matches("^x{,2}$", "xx", surrogateAware: false));

    [Fact]
    public void Supplementary_letters_digits_and_symbols_are_one_code_point_each()
    {
        Assert.True(Matches(@"^\p{L}+$", "𝐀𝐁", surrogateAware: true));         // U+1D400.. (Lu)
        Assert.True(Matches(@"^\p{N}$", "𝟏", surrogateAware: true));           // U+1D7CF (Nd)
        Assert.True(Matches(@"^[^\p{L}\p{N}]$", "😀", surrogateAware: true));   // one So code point, not two
        Assert.False(Matches(@"^\p{L}$", "😀", surrogateAware: true));
    }

    [Fact]
    public void Llama3_split_keeps_an_emoji_with_the_following_word()
    {
        // [^\r\n\p{L}\p{N}]?\p{L}+ takes the emoji as its optional leading code point.
        Assert.Equal(["😀abc", " 𝐀𝐁", " ", "𝟏𝟐𝟑", "𝟒"], Split("😀abc 𝐀𝐁 𝟏𝟐𝟑𝟒"));
    }

    [Fact]
    public void Llama3_split_on_plain_text()
    {
        // Hand-applied: contractions, letter runs with one leading non-letter, digits by three, whitespace rules.
        Assert.Equal(["I", "'ll", " pay", " ", "123", "4", " now", "!!\n", "  ", " ok"], Split("I'll pay 1234 now!!\n   ok"));
    }

    [Fact]
    public void Scripts_have_no_dotnet_equivalent() =>
        Assert.Throws<TokenizerException>(() => OnigurumaRegexTranslator.Translate(@"\p{Greek}", surrogateAware: false));

    private static bool Matches(string pattern, string input, bool surrogateAware) =>
        new Regex(OnigurumaRegexTranslator.Translate(pattern, surrogateAware), RegexOptions.CultureInvariant | RegexOptions.Multiline).IsMatch(input);

    private static string[] Split(string text)
    {
        var pieces = new List<ReadOnlyMemory<char>>();
        SplitPreTokenizer.FromRegex(Llama3Pattern, SplitBehavior.Isolated, invert: false).PreTokenize(text.AsMemory(), pieces);
        return [.. pieces.Select(p => p.ToString())];
    }
}
