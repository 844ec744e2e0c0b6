using System.Text.Json;

namespace LLaDAV.Eval.Models.Demo;

/// <summary>
/// Writes a small HF <c>tokenizer.json</c>: byte-level BPE over the 256 GPT-2 byte symbols (so any text round-trips),
/// a fixed list of merges, and the special tokens the chat templates use; optionally a TemplateProcessing
/// post-processor that prepends BOS (LLaMA 3's tokenizer does, LLaDA's does not, §1.4/§9). The pre-tokenizer is the
/// LLaMA-3 Split regex followed by ByteLevel, as in the published tokenizers.
/// </summary>
public static class ByteLevelBpeBuilder
{
    /// <summary>LLaMA 3 / LLaDA Split pattern.</summary>
    public const string SplitPattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Frequent English pieces, merged pairwise (each merge's parts exist before it).</summary>
    private static readonly string[] s_words = ["Ġt", "he", "Ġa", "in", "er", "an", "on", "Ġthe", "re", "at", "en", "Ġo", "Ġs", "is", "or", "Ġw", "Ġc", "ĠI", "it", "ou", "Ġan", "Ġthe", "ing", "Ġimage", "ĠAnswer", "Ġquestion", "Ġletter", "Ġoption"];

    /// <summary>GPT-2 <c>bytes_to_unicode</c>, from the tokenizer's own table (<see cref="Tokenization.ByteLevelAlphabet"/>).</summary>
    public static char[] ByteSymbols() => [.. Enumerable.Range(0, 256).Select(b => Tokenization.ByteLevelAlphabet.ToChar((byte)b))];

    /// <summary>The vocabulary (symbol → id) and merges (pairs) the builder writes, before added tokens.</summary>
    public static (List<string> Vocab, List<(string Left, string Right)> Merges) Model()
    {
        var vocab = ByteSymbols().Select(c => c.ToString()).ToList();
        var known = new HashSet<string>(vocab, StringComparer.Ordinal);
        var merges = new List<(string, string)>();
        foreach (var word in s_words)
        {
            // Build the word left to right: ((a b) c) d …, adding every intermediate piece once.
            var piece = word[..1];
            for (var i = 1; i < word.Length; i++)
            {
                var next = piece + word[i];
                if (known.Add(next))
                {
                    merges.Add((piece, word[i].ToString()));
                    vocab.Add(next);
                }

                piece = next;
            }
        }

        return (vocab, merges);
    }

    /// <summary>Writes tokenizer.json; added tokens take ids after the BPE vocabulary, in the given order.</summary>
    public static int Write(string path, IReadOnlyList<string> specialTokens, string? bosForPostProcessor)
    {
        var (vocab, merges) = Model();
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("version", "1.0");
        w.WriteNull("truncation");
        w.WriteNull("padding");
        w.WriteStartArray("added_tokens");
        for (var i = 0; i < specialTokens.Count; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("id", vocab.Count + i);
            w.WriteString("content", specialTokens[i]);
            w.WriteBoolean("single_word", false);
            w.WriteBoolean("lstrip", false);
            w.WriteBoolean("rstrip", false);
            w.WriteBoolean("normalized", false);
            w.WriteBoolean("special", true);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNull("normalizer");
        w.WriteStartObject("pre_tokenizer");
        w.WriteString("type", "Sequence");
        w.WriteStartArray("pretokenizers");
        w.WriteStartObject();
        w.WriteString("type", "Split");
        w.WriteStartObject("pattern");
        w.WriteString("Regex", SplitPattern);
        w.WriteEndObject();
        w.WriteString("behavior", "Isolated");
        w.WriteBoolean("invert", false);
        w.WriteEndObject();
        WriteByteLevel(w, addPrefixSpace: false, trimOffsets: true, useRegex: false);
        w.WriteEndArray();
        w.WriteEndObject();
        if (bosForPostProcessor is null)
        {
            w.WriteStartObject("post_processor");
            w.WriteString("type", "ByteLevel");
            w.WriteBoolean("add_prefix_space", true);
            w.WriteBoolean("trim_offsets", false);
            w.WriteBoolean("use_regex", true);
            w.WriteEndObject();
        }
        else
        {
            var bosId = vocab.Count + specialTokens.ToList().IndexOf(bosForPostProcessor);
            w.WriteStartObject("post_processor");
            w.WriteString("type", "TemplateProcessing");
            w.WriteStartArray("single");
            WriteSpecial(w, bosForPostProcessor);
            WriteSequence(w, "A", 0);
            w.WriteEndArray();
            w.WriteStartArray("pair");
            WriteSpecial(w, bosForPostProcessor);
            WriteSequence(w, "A", 0);
            WriteSequence(w, "B", 1);
            w.WriteEndArray();
            w.WriteStartObject("special_tokens");
            w.WriteStartObject(bosForPostProcessor);
            w.WriteString("id", bosForPostProcessor);
            w.WriteStartArray("ids");
            w.WriteNumberValue(bosId);
            w.WriteEndArray();
            w.WriteStartArray("tokens");
            w.WriteStringValue(bosForPostProcessor);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WritePropertyName("decoder");
        w.WriteStartObject();
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", true);
        w.WriteBoolean("trim_offsets", true);
        w.WriteBoolean("use_regex", true);
        w.WriteEndObject();
        w.WriteStartObject("model");
        w.WriteString("type", "BPE");
        w.WriteNull("dropout");
        w.WriteNull("unk_token");
        w.WriteNull("continuing_subword_prefix");
        w.WriteNull("end_of_word_suffix");
        w.WriteBoolean("fuse_unk", false);
        w.WriteBoolean("byte_fallback", false);
        w.WriteBoolean("ignore_merges", false);
        w.WriteStartObject("vocab");
        for (var i = 0; i < vocab.Count; i++)
        {
            w.WriteNumber(vocab[i], i);
        }

        w.WriteEndObject();
        w.WriteStartArray("merges");
        foreach (var (l, r) in merges)
        {
            w.WriteStringValue(l + " " + r);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        return vocab.Count + specialTokens.Count;
    }

    private static void WriteByteLevel(Utf8JsonWriter w, bool addPrefixSpace, bool trimOffsets, bool useRegex)
    {
        w.WriteStartObject();
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", addPrefixSpace);
        w.WriteBoolean("trim_offsets", trimOffsets);
        w.WriteBoolean("use_regex", useRegex);
        w.WriteEndObject();
    }

    private static void WriteSpecial(Utf8JsonWriter w, string token)
    {
        w.WriteStartObject();
        w.WriteStartObject("SpecialToken");
        w.WriteString("id", token);
        w.WriteNumber("type_id", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteSequence(Utf8JsonWriter w, string id, int typeId)
    {
        w.WriteStartObject();
        w.WriteStartObject("Sequence");
        w.WriteString("id", id);
        w.WriteNumber("type_id", typeId);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
