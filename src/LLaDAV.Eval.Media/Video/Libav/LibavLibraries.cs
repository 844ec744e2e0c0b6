namespace LLaDAV.Eval.Media.Video.Libav;

/// <summary>The shared libraries the in-process video path loads, with the Debian 12 package of each (for doctor).</summary>
public static class LibavLibraries
{
    public static IReadOnlyList<(string Soname, string DebianPackage)> All { get; } =
    [
        (LibavNative.Format, "libavformat59"),
        (LibavNative.Codec, "libavcodec59"),
        (LibavNative.Util, "libavutil57"),
        (LibavNative.Scale, "libswscale6"),
    ];
}
