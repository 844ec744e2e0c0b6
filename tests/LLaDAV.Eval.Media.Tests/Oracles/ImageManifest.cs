using System.IO.Compression;
using System.Text.Json;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Media.Tests.Oracles;

/// <summary>
/// <c>testdata/images/manifest.json</c>: what PIL 9.4 decodes from each input and what its BICUBIC resizes give
/// (gzip of raw RGB bytes). These are the independent expectations of the image tests.
/// </summary>
internal static class ImageManifest
{
    private static readonly Lazy<IReadOnlyList<ImageCase>> s_cases = new(Load);

    public static string Root => TestPaths.InTestData("images");

    public static IReadOnlyList<ImageCase> Cases => s_cases.Value;

    public static ImageCase Case(string name) => Cases.Single(c => c.Name == name);

    public static byte[] Pixels(string relativePath)
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(Root, relativePath)), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static List<ImageCase> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "manifest.json")));
        var cases = new List<ImageCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var resized = c.GetProperty("resized").EnumerateArray()
                .Select(r => new ResizeCase(r.GetProperty("width").GetInt32(), r.GetProperty("height").GetInt32(), r.GetProperty("filter").GetString()!, r.GetProperty("rgb").GetString()!))
                .ToList();
            cases.Add(new ImageCase(
                c.GetProperty("input").GetString()!,
                c.GetProperty("mode").GetString()!,
                c.GetProperty("width").GetInt32(),
                c.GetProperty("height").GetInt32(),
                c.GetProperty("decoded_rgb").GetString()!,
                c.TryGetProperty("composited_on_white_rgb", out var white) ? white.GetString() : null,
                resized));
        }

        return cases;
    }
}

internal sealed record ImageCase(string Input, string Mode, int Width, int Height, string DecodedRgb, string? WhiteRgb, IReadOnlyList<ResizeCase> Resized)
{
    /// <summary>The input file name, e.g. "baseline420.jpg": the test case id.</summary>
    public string Name => Path.GetFileName(Input);

    public string InputPath => Path.Combine(ImageManifest.Root, Input);

    /// <summary>Lossy codecs (JPEG, lossy WebP) may round differently from PIL's build; everything else must be exact.</summary>
    public bool IsLossy => Name.EndsWith(".jpg", StringComparison.Ordinal) || Name == "lossy.webp";
}

internal sealed record ResizeCase(int Width, int Height, string Filter, string Rgb);
