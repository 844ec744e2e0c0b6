using System.Text.Json;
using LLaDAV.Eval.Models.Tokenization;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Tokenization;

/// <summary>Loads the real Llama-3 tokenizer of the shared test data once for all tests of a class, and the oracle it is checked against.</summary>
public sealed class Llama3TokenizerFixture
{
    private static readonly Lazy<IReadOnlyList<(string Text, int[] Ids, string Decoded)>> s_expected = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.InTestData("tokenizers", "llama3", "expected-encodings.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => (c.GetProperty("text").GetString()!, c.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray(), c.GetProperty("decoded").GetString()!))
            .ToList();
    });

    public Llama3TokenizerFixture() => Tokenizer = HfTokenizer.Load(Directory);

    public static string Directory => TestPaths.Llama3Tokenizer;

    public HfTokenizer Tokenizer { get; }

    /// <summary>
    /// The cases of <c>tokenizers/llama3/expected-encodings.json</c>: text, ids and decoded text produced by two
    /// independent JavaScript implementations of HF tokenizers (encode with add_special_tokens=false).
    /// </summary>
    public static IReadOnlyList<(string Text, int[] Ids, string Decoded)> ExpectedEncodings => s_expected.Value;

    /// <summary>One theory row per case of <see cref="ExpectedEncodings"/>.</summary>
    public static TheoryData<int> ExpectedEncodingIndices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < ExpectedEncodings.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }
}
