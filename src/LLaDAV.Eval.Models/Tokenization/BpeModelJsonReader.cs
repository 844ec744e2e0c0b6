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
    public static BpeModel Read(ref Utf8JsonReader reader, string path, string key)
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
        Dictionary<long, MergeResult>? merges = null;
        List<(string Left, string Right)>? deferredMerges = null;
        var mergesResolved = false;

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
                    if (prefix is not null && mergesResolved)
                    {
                        throw new TokenizerException(path, propertyKey, "must come before \"merges\" (the order HF tokenizers writes)");
                    }

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
                    if (vocab is not null)
                    {
                        merges = ReadMerges(ref reader, path, propertyKey, vocab, prefix);
                        mergesResolved = true;
                    }
                    else
                    {
                        deferredMerges = ReadMergeStrings(ref reader, path, propertyKey);
                    }

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

        if (merges is null)
        {
            if (deferredMerges is null)
            {
                throw new TokenizerException(path, key + ".merges", "missing");
            }

            merges = BpeMerger.CreateTable(deferredMerges.Count);
            var lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
            var buffer = new char[64];
            for (var rank = 0; rank < deferredMerges.Count; rank++)
            {
                var (left, right) = deferredMerges[rank];
                AddMerge(merges, lookup, left, right, rank, prefix, ref buffer, path, key + ".merges");
            }
        }

        return new BpeModel(vocab, merges, new BpeOptions(unk, prefix, suffix, fuseUnk, byteFallback, ignoreMerges));
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Dictionary<long, MergeResult> ReadMerges(ref Utf8JsonReader reader, string path, string key, Dictionary<string, int> vocab, string? prefix)
    {
        ExpectArray(ref reader, path, key);
        var merges = BpeMerger.CreateTable(vocab.Count * 2);
        var lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        var text = new char[256];
        var merged = new char[256];
        var rank = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int leftLength;
            int rightStart;
            int rightLength;
            if (reader.TokenType == JsonTokenType.String)
            {
                // Legacy layout "a b": exactly one space (tokenizers/src/models/bpe/serialization.rs).
                var length = CopyString(ref reader, ref text);
                var span = text.AsSpan(0, length);
                var space = span.IndexOf(' ');
                if (space < 0 || span[(space + 1)..].Contains(' '))
                {
                    throw new TokenizerException(path, $"{key}[{rank}]", $"merge \"{span}\" is not two tokens separated by one space");
                }

                leftLength = space;
                rightStart = space + 1;
                rightLength = length - space - 1;
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                // Current layout ["a", "b"]: copy both into the buffer, side by side.
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    throw new TokenizerException(path, $"{key}[{rank}]", "expected [\"a\", \"b\"]");
                }

                leftLength = CopyString(ref reader, ref text);
                var left = text.AsSpan(0, leftLength).ToArray();
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    throw new TokenizerException(path, $"{key}[{rank}]", "expected [\"a\", \"b\"]");
                }

                var right = new char[reader.ValueSpan.Length + 8];
                rightLength = CopyString(ref reader, ref right);
                if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
                {
                    throw new TokenizerException(path, $"{key}[{rank}]", "expected [\"a\", \"b\"]");
                }

                if (text.Length < leftLength + rightLength + 1)
                {
                    text = new char[(leftLength + rightLength + 1) * 2];
                }

                left.CopyTo(text, 0);
                rightStart = leftLength + 1;
                right.AsSpan(0, rightLength).CopyTo(text.AsSpan(rightStart));
            }
            else
            {
                throw new TokenizerException(path, $"{key}[{rank}]", "expected \"a b\" or [\"a\", \"b\"]");
            }

            AddMerge(merges, lookup, text.AsSpan(0, leftLength), text.AsSpan(rightStart, rightLength), rank, prefix, ref merged, path, key);
            rank++;
        }

        return merges;
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

    private static void AddMerge(
        Dictionary<long, MergeResult> merges,
        Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup,
        ReadOnlySpan<char> left,
        ReadOnlySpan<char> right,
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
        var rightPart = prefix is not null && right.StartsWith(prefix, StringComparison.Ordinal) ? right[prefix.Length..] : right;
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

        // The first occurrence of a pair wins, as in HF's HashMap built in rank order.
        merges.TryAdd(BpeMerger.Key(leftId, rightId), new MergeResult(rank, newId));
    }

    private static int CopyString(ref Utf8JsonReader reader, ref char[] buffer)
    {
        // An escaped or multi-byte UTF-8 value never has more chars than bytes.
        var needed = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (buffer.Length < needed)
        {
            buffer = new char[needed * 2];
        }

        return reader.CopyString(buffer);
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
