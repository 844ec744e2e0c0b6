using System.Text;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>Turns token strings back into text (HF <c>Decoder</c>).</summary>
internal interface IDecoder
{
    string Decode(IReadOnlyList<string> tokens);
}

/// <summary>
/// The <c>ByteLevel</c> decoder (tokenizers/src/pre_tokenizers/byte_level.rs, <c>decode_chain</c>): each token's
/// characters map back to bytes; a token holding a character outside the byte-level alphabet (an added token such
/// as Chinese text) contributes its own UTF-8 bytes; the bytes decode as UTF-8 with U+FFFD for invalid sequences
/// (Rust's <c>from_utf8_lossy</c> and .NET's decoder both replace each maximal invalid subsequence once).
/// </summary>
internal sealed class ByteLevelDecoder : IDecoder
{
    public string Decode(IReadOnlyList<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            var start = bytes.Count;
            var ok = true;
            foreach (var c in token)
            {
                var b = ByteLevelAlphabet.ToByte(c);
                if (b < 0)
                {
                    ok = false;
                    break;
                }

                bytes.Add((byte)b);
            }

            if (!ok)
            {
                bytes.RemoveRange(start, bytes.Count - start);
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
            }
        }

        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }
}

/// <summary>No decoder in <c>tokenizer.json</c>: HF joins the tokens with spaces.</summary>
internal sealed class JoinDecoder : IDecoder
{
    public string Decode(IReadOnlyList<string> tokens) => string.Join(' ', tokens);
}
