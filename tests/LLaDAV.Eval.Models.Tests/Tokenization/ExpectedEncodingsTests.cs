using System.Text.Json;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Tokenization;

/// <summary>
/// The Llama-3 tokenizer against <c>tokenizers/llama3/expected-encodings.json</c>: ids and decoded text produced by two
/// independent JavaScript implementations of HF tokenizers (encode with add_special_tokens=false).
/// </summary>
public sealed class ExpectedEncodingsTests(Llama3TokenizerFixture fixture) : IClassFixture<Llama3TokenizerFixture>
{
    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < LoadCases().Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Encode_matches_the_reference_ids(int index)
    {
        var (text, ids, _) = LoadCases()[index];
        Assert.Equal(ids, fixture.Tokenizer.Encode(text, addSpecialTokens: false));
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Decode_matches_the_reference_text(int index)
    {
        var (_, ids, decoded) = LoadCases()[index];
        Assert.Equal(decoded, fixture.Tokenizer.Decode(ids));
    }

    [Fact]
    public void All_cases_are_read()
    {
        // The file's own count: guards against a silently empty theory.
        Assert.True(LoadCases().Count >= 100);
    }

    private static List<(string Text, int[] Ids, string Decoded)> LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.InTestData("tokenizers", "llama3", "expected-encodings.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => (c.GetProperty("text").GetString()!, c.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray(), c.GetProperty("decoded").GetString()!))
            .ToList();
    }
}
