using System.Text.Json;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Language;

/// <summary>Reads the tiny reference checkpoints' <c>reference.json</c> (testdata/model-reference).</summary>
internal static class ReferenceFiles
{
    public static string LladaV => TestPaths.InTestData("model-reference", "tiny-lladav");

    public static string Llama3V => TestPaths.InTestData("model-reference", "tiny-llama3v");

    public static JsonElement Reference(string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "reference.json")));
        return doc.RootElement.Clone();
    }

    public static int[] Ints(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetInt32())];

    public static double[] Doubles(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetDouble())];
}
