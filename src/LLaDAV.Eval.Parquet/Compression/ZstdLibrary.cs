namespace LLaDAV.Eval.Parquet.Compression;

/// <summary>The sonames the ZSTD decoder tries, published so <c>lladav-eval doctor</c> probes exactly those.</summary>
public static class ZstdLibrary
{
    public static IReadOnlyList<string> Sonames => ZstdNative.Sonames;
}
