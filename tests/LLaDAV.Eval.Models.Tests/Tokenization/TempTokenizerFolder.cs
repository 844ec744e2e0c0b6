namespace LLaDAV.Eval.Models.Tests.Tokenization;

/// <summary>A throw-away folder holding a hand-written tokenizer.json (and optionally tokenizer_config.json).</summary>
internal sealed class TempTokenizerFolder : IDisposable
{
    public TempTokenizerFolder(string? tokenizerJson, string? configJson = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lladav-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        if (tokenizerJson is not null)
        {
            File.WriteAllText(System.IO.Path.Combine(Path, "tokenizer.json"), tokenizerJson);
        }

        if (configJson is not null)
        {
            File.WriteAllText(System.IO.Path.Combine(Path, "tokenizer_config.json"), configJson);
        }
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
