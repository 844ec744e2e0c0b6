using System.Runtime.CompilerServices;
using System.Text.Json;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// Reads the <c>model</c> object of <c>tokenizer.json</c> (a BPE model) straight from the UTF-8 bytes with
/// <see cref="Utf8JsonReader"/>: a 128k vocabulary with 280k merges is most of a 6 MB file, and building a DOM for it,
/// or a string per merge, would cost most of the load time. Merges resolve to ids through span lookups into the
/// vocabulary without allocating.
/// </summary>
internal static class BpeModelJsonReader
{
    /// <summary>Reads the model; <paramref name="reader"/> sits on the <c>"model"</c> property name and ends on its value's last token.</summary>
    public static IBpeModel Read(ref Utf8JsonReader reader, string path, string key, BpeEngine engine = BpeEngine.Ours)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new TokenizerException(path, key, "expected an object");
        }

        string? type = null;
        string? unk = null;
        string? prefix = null;
        string? suffix = null;
        bool fuseUnk = false, byteFallback = false, ignoreMerges = false;
        Dictionary<string, int>? vocab = null;
        List<(string Left, string Right)>? mergeStrings = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            var propertyKey = key + "." + name;
            reader.Read();
            switch (name)
            {
                case "type":
                    type = StringOrNull(ref reader, path, propertyKey);
                    break;
                case "dropout":
                    if (reader.TokenType == JsonTokenType.Number && reader.GetDouble() > 0)
                    {
                        throw new TokenizerException(path, propertyKey, "BPE dropout is not supported for evaluation");
                    }

                    break;
                case "unk_token":
                    unk = StringOrNull(ref reader, path, propertyKey);
                    break;
                case "continuing_subword_prefix":
                    prefix = StringOrNull(ref reader, path, propertyKey);
                    break;
                case "end_of_word_suffix":
                    suffix = StringOrNull(ref reader, path, propertyKey);
                    break;
                case "fuse_unk":
                    fuseUnk = Bool(ref reader, path, propertyKey);
                    break;
                case "byte_fallback":
                    byteFallback = Bool(ref reader, path, propertyKey);
                    break;
                case "ignore_merges":
                    ignoreMerges = Bool(ref reader, path, propertyKey);
                    break;
                case "vocab":
                    vocab = ReadVocab(ref reader, path, propertyKey);
                    break;
                case "merges":
                    mergeStrings = ReadMergeStrings(ref reader, path, propertyKey);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (type is not null && type != "BPE")
        {
            throw new TokenizerException(path, key + ".type", $"model type \"{type}\" is not supported (only BPE)");
        }

        if (vocab is null)
        {
            throw new TokenizerException(path, key + ".vocab", "missing");
        }

        if (mergeStrings is null)
        {
            throw new TokenizerException(path, key + ".merges", "missing");
        }

        var merges = new List<ResolvedMerge>(mergeStrings.Count);
        var seen = new HashSet<(int, int)>();
        var lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        var buffer = new char[64];
        for (var rank = 0; rank < mergeStrings.Count; rank++)
        {
            var (left, right) = mergeStrings[rank];
            var merge = Resolve(lookup, left, right, rank, prefix, ref buffer, path, key + ".merges");

            // The first occurrence of a pair wins, as in HF's HashMap built in rank order.
            if (seen.Add((merge.LeftId, merge.RightId)))
            {
                merges.Add(merge);
            }
        }

        var options = new BpeOptions(unk, prefix, suffix, fuseUnk, byteFallback, ignoreMerges);
        return engine switch
        {
            BpeEngine.MlTokenizers => MlBpeModel.Create(vocab, merges, options, path, key),
            _ => BpeModel.Create(vocab, merges, options),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Dictionary<string, int> ReadVocab(ref Utf8JsonReader reader, string path, string key)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new TokenizerException(path, key, "expected an object of token → id");
        }

        var vocab = new Dictionary<string, int>(1024, StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var token = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var id) || id < 0)
            {
                throw new TokenizerException(path, $"{key}[\"{token}\"]", "expected a non-negative integer id");
            }

            vocab[token] = id;
        }

        return vocab;
    }

    private static List<(string Left, string Right)> ReadMergeStrings(ref Utf8JsonReader reader, string path, string key)
    {
        ExpectArray(ref reader, path, key);
        var list = new List<(string, string)>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                var text = reader.GetString()!;
                var parts = text.Split(' ');
                list.Add(parts.Length == 2 ? (parts[0], parts[1]) : throw new TokenizerException(path, $"{key}[{list.Count}]", $"merge \"{text}\" is not two tokens separated by one space"));
            }
            else if (reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                var left = reader.GetString()!;
                string? right = reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (right is null || !reader.Read() || reader.TokenType != JsonTokenType.EndArray)
                {
                    throw new TokenizerException(path, $"{key}[{list.Count}]", "expected [\"a\", \"b\"]");
                }

                list.Add((left, right));
            }
            else
            {
                throw new TokenizerException(path, $"{key}[{list.Count}]", "expected \"a b\" or [\"a\", \"b\"]");
            }
        }

        return list;
    }

    private static ResolvedMerge Resolve(
        Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup,
        string left,
        string right,
        int rank,
        string? prefix,
        ref char[] buffer,
        string path,
        string key)
    {
        if (!lookup.TryGetValue(left, out var leftId) || !lookup.TryGetValue(right, out var rightId))
        {
            throw new TokenizerException(path, $"{key}[{rank}]", $"merge \"{left} {right}\" names a token missing from the vocabulary");
        }

        // The merged token drops the continuing-subword prefix of its right part (BPE builder in model.rs).
        var rightPart = prefix is not null && right.StartsWith(prefix, StringComparison.Ordinal) ? right.AsSpan(prefix.Length) : right.AsSpan();
        var length = left.Length + rightPart.Length;
        if (buffer.Length < length)
        {
            buffer = new char[length * 2];
        }

        left.CopyTo(buffer);
        rightPart.CopyTo(buffer.AsSpan(left.Length));
        if (!lookup.TryGetValue(buffer.AsSpan(0, length), out var newId))
        {
            throw new TokenizerException(path, $"{key}[{rank}]", $"merge \"{left} {right}\" makes \"{buffer.AsSpan(0, length)}\", which is missing from the vocabulary");
        }

        return new ResolvedMerge(left, right, leftId, rightId, newId);
    }

    private static void ExpectArray(ref Utf8JsonReader reader, string path, string key)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new TokenizerException(path, key, "expected a list of merges");
        }
    }

    private static string? StringOrNull(ref Utf8JsonReader reader, string path, string key) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new TokenizerException(path, key, "expected a string"),
    };

    private static bool Bool(ref Utf8JsonReader reader, string path, string key) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False or JsonTokenType.Null => false,
        _ => throw new TokenizerException(path, key, "expected true or false"),
    };
}

/// <summary>One merge of <c>tokenizer.json</c>, checked against the vocabulary.</summary>
internal readonly record struct ResolvedMerge(string Left, string Right, int LeftId, int RightId, int NewId);

/// <summary>
/// Which BPE implementation runs the model. Ours is the engine: Microsoft.ML.Tokenizers gives the same ids on every
/// oracle case but measured slower in the same run (README, "Tokenizer: Microsoft.ML.Tokenizers"), so it stays the
/// benchmark's peer and a tested alternative.
/// </summary>
internal enum BpeEngine
{
    /// <summary>Our own merger (<see cref="BpeModel"/>), the engine.</summary>
    Ours,

    /// <summary>Microsoft.ML.Tokenizers' <c>BpeTokenizer</c> (<see cref="MlBpeModel"/>).</summary>
    MlTokenizers,
}
