namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// GPT-2's reversible byte ↔ printable-character table (<c>bytes_to_unicode</c>; tokenizers/src/pre_tokenizers/byte_level.rs):
/// printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 upwards in byte order.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] s_byteToChar = BuildByteToChar();
    private static readonly short[] s_charToByte = BuildCharToByte(s_byteToChar);

    /// <summary>The character standing for <paramref name="b"/>.</summary>
    public static char ToChar(byte b) => s_byteToChar[b];

    /// <summary>The byte a character stands for, or -1 when the character is not in the alphabet.</summary>
    public static int ToByte(char c) => c < s_charToByte.Length ? s_charToByte[c] : -1;

    /// <summary>
    /// Writes the alphabet characters for the UTF-8 bytes of <paramref name="bytes"/> into <paramref name="destination"/>
    /// (same length).
    /// </summary>
    public static void Map(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[i] = s_byteToChar[bytes[i]];
        }
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }

    private static short[] BuildCharToByte(char[] byteToChar)
    {
        var map = new short[512];
        Array.Fill(map, (short)-1);
        for (var b = 0; b < 256; b++)
        {
            map[byteToChar[b]] = (short)b;
        }

        return map;
    }
}
