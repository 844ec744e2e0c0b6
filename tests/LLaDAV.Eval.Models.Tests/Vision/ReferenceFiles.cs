using System.Text.Json;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Vision;

/// <summary>The tiny checkpoints and their PyTorch reference outputs (testdata/README.md, model-reference).</summary>
internal static class ReferenceFiles
{
    public const string Lladav = "tiny-lladav";
    public const string Llama3v = "tiny-llama3v";

    public static string CheckpointDir(string name) => TestPaths.InTestData("model-reference", name);

    public static string ConfigPath(string name) => Path.Combine(CheckpointDir(name), "config.json");

    public static string ImagePath => TestPaths.InTestData("model-reference", "image.png");

    /// <summary>The size of image.png from its IHDR chunk (big-endian width and height at bytes 16 and 20).</summary>
    public static (int Width, int Height) ImageSize()
    {
        var head = new byte[24];
        using (var f = File.OpenRead(ImagePath))
        {
            f.ReadExactly(head);
        }

        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(20)));
    }

    public static JsonElement Reference(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(CheckpointDir(name), "reference.json")));
        return doc.RootElement.Clone();
    }

    public static int[] Ints(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetInt32())];

    public static double[] Doubles(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetDouble())];
}
