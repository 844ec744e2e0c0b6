using LLaDAV.Eval.Models.Tokenization;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Tokenization;

/// <summary>Loads the real Llama-3 tokenizer of the shared test data once for all tests of a class.</summary>
public sealed class Llama3TokenizerFixture
{
    public Llama3TokenizerFixture() => Tokenizer = HfTokenizer.Load(Directory);

    public static string Directory => TestPaths.Llama3Tokenizer;

    public HfTokenizer Tokenizer { get; }
}
