using System.Globalization;

namespace LLaDAV.Eval.Models.Language;

/// <summary>Token ids given on the command line (<c>--ids 1,2,3</c>) or in a file (<c>--ids-file F</c>: ids separated by commas or white space).</summary>
public static class TokenIds
{
    public static int[] Read(string? inline, string? file)
    {
        if ((inline is null) == (file is null))
        {
            throw new ArgumentException("Give the token ids with exactly one of --ids 1,2,3 or --ids-file FILE.");
        }

        string text;
        string source;
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new ArgumentException($"--ids-file: {file} does not exist.");
            }

            text = File.ReadAllText(file);
            source = file;
        }
        else
        {
            text = inline!;
            source = "--ids";
        }

        var ids = text.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : throw new ArgumentException($"{source}: '{s}' is not a token id (a non-negative integer)."))
            .ToArray();
        return ids.Length > 0 ? ids : throw new ArgumentException($"{source} holds no token id.");
    }

    /// <summary>Refuses ids the checkpoint's embedding has no row for, before any weight is read.</summary>
    public static void CheckRange(int[] ids, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bad = Array.FindIndex(ids, i => i >= vocabSize);
        if (bad >= 0)
        {
            throw new ArgumentException($"token id {ids[bad]} (position {bad}) is outside the checkpoint's vocabulary of {vocabSize}.");
        }
    }
}
