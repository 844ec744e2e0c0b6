namespace LLaDAV.Eval.Data;

/// <summary>
/// What <c>doc_to_visual</c> returns: references, not pixels (docs/LMMS-EVAL.md §1.5: the model fetches and decodes
/// visuals itself), so re-scoring with <c>replay</c> never touches media.
/// </summary>
public abstract record VisualRef;

/// <summary>An image held inline (HF <c>Image</c> bytes) or as a file path relative to the data file.</summary>
public sealed record ImageRef(byte[]? Bytes, string? Path, string Column) : VisualRef
{
    /// <summary>Reads an HF <c>Image</c> feature value: struct {bytes, path}, raw bytes, or a path string.</summary>
    public static ImageRef FromColumn(Doc doc, string column)
    {
        var value = doc[column];
        return value switch
        {
            // HF's Image.decode_example reads the bytes when there are any; the path is then only the original file
            // name (often of another machine) and is never opened, so only a path that will be opened is resolved.
            IReadOnlyDictionary<string, object?> s when s.TryGetValue("bytes", out var b) && b is byte[] bytes => new ImageRef(bytes, null, column),
            IReadOnlyDictionary<string, object?> s => new ImageRef(null, MediaPath.Resolve(doc, s.TryGetValue("path", out var p) ? p as string : null, column), column),
            byte[] bytes => new ImageRef(bytes, null, column),
            string path => new ImageRef(null, MediaPath.Resolve(doc, path, column), column),
            null => throw new Errors.MissingMediaException($"Image column '{column}' is null in a row of {doc.SourceFile}; pass --skip-missing-media to record such samples as skipped.", []),
            _ => throw new Errors.DataException($"Image column '{column}' in {doc.SourceFile} holds a {value.GetType().Name}; expected an HF Image struct {{bytes, path}}."),
        };
    }

    public override string ToString() => Bytes is not null ? $"{Column}: {Bytes.Length} bytes" : $"{Column}: {Path}";
}

/// <summary>A video file; <see cref="SearchedPaths"/> says where it was looked for when it is missing.</summary>
public sealed record VideoRef(string Path, IReadOnlyList<string> SearchedPaths) : VisualRef;
