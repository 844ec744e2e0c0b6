namespace LLaDAV.Eval.Media.Images.Codecs;

/// <summary>One decoding backend (a system library or the ffmpeg CLI), with PIL's conversion rules applied on top.</summary>
internal interface IImageCodec
{
    /// <summary>What must be installed, for messages: the library SONAME or the tool name.</summary>
    string Component { get; }

    /// <summary>The Debian package that provides <see cref="Component"/>.</summary>
    string DebianPackage { get; }

    bool IsAvailable { get; }

    /// <summary>Whether this backend reproduces PIL for these bytes; a codec may decline inputs it would decode differently.</summary>
    bool Handles(ImageFormat format, ReadOnlySpan<byte> bytes);

    DecodedPixels Decode(ReadOnlySpan<byte> bytes);
}
