using System.Runtime.InteropServices;

namespace LLaDAV.Eval.Media.Video.Libav;

/// <summary>
/// The few libav entry points the in-process video reader calls, bound to the FFmpeg 5.1 libraries Debian 12's
/// <c>ffmpeg</c> package installs (libavformat 59, libavcodec 59, libavutil 57, libswscale 6; the same libraries the
/// <c>ffmpeg</c>/<c>ffprobe</c> programs and PyAV use). Struct fields are read at the offsets of that ABI (FFmpeg 5.1
/// <c>avformat.h</c> AVFormatContext/AVStream, <c>codec_par.h</c> AVCodecParameters, <c>packet.h</c> AVPacket,
/// <c>frame.h</c> AVFrame), so <see cref="Load"/> accepts only those major versions and every other setup takes the
/// ffmpeg-process path. FFmpeg.AutoGen, the maintained binding, is not in this project's package source; these
/// declarations are all of it that the reader needs.
/// </summary>
internal static unsafe partial class LibavNative
{
    internal const string Format = "libavformat.so.59";
    internal const string Codec = "libavcodec.so.59";
    internal const string Util = "libavutil.so.57";
    internal const string Scale = "libswscale.so.6";

    public const int AvmediaTypeVideo = 0;
    public const int AvdiscardDefault = 0;
    public const int AvdiscardNonref = 8;
    public const int AvseekFlagBackward = 1;
    public const int AvPixFmtRgb24 = 2;
    public const int SwsBicubic = 4;
    public const int AvcolRangeUnspecified = 0;
    public const int AvcolRangeJpeg = 2;
    public const long NoPts = long.MinValue;

    /// <summary>AVERROR(EAGAIN) on Linux.</summary>
    public const int ErrorAgain = -11;

    /// <summary>AVERROR_EOF: FFERRTAG('E','O','F',' ').</summary>
    public const int ErrorEof = -0x20464F45;

    // AVFormatContext (FFmpeg 5.1): av_class, iformat, oformat, priv_data, pb, ctx_flags, nb_streams, streams.
    public const int FormatNbStreams = 44;
    public const int FormatStreams = 48;

    // AVStream (libavformat 59): index, id, priv_data, time_base, start_time, duration, nb_frames, disposition, discard,
    // sample_aspect_ratio, metadata, avg_frame_rate, attached_pic (an AVPacket), side_data, nb_side_data, event_flags,
    // r_frame_rate, codecpar.
    public const int StreamIndex = 0;
    public const int StreamTimeBase = 16;
    public const int StreamDuration = 32;
    public const int StreamNbFrames = 40;
    public const int StreamAvgFrameRate = 72;
    public const int StreamRFrameRate = 200;
    public const int StreamCodecpar = 208;

    // AVCodecParameters: codec_type, codec_id, codec_tag, extradata, extradata_size, format, bit_rate,
    // bits_per_coded_sample, bits_per_raw_sample, profile, level, width, height.
    public const int ParCodecType = 0;
    public const int ParCodecId = 4;
    public const int ParWidth = 56;
    public const int ParHeight = 60;

    // AVPacket (libavcodec 59): buf, pts, dts, data, size, stream_index, flags.
    public const int PacketPts = 8;
    public const int PacketStreamIndex = 36;
    public const int PacketFlags = 40;
    public const int PacketFlagKey = 1;

    // AVFrame (libavutil 57): data[8], linesize[8], extended_data, width, height, nb_samples, format, ..., pts (136), ...,
    // color_range (320), color_primaries, color_trc, colorspace (332).
    public const int FrameData = 0;
    public const int FrameLinesize = 64;
    public const int FrameWidth = 104;
    public const int FrameHeight = 108;
    public const int FrameFormat = 116;
    public const int FramePts = 136;
    public const int FrameColorRange = 320;
    public const int FrameColorspace = 332;

    private static readonly Lazy<string?> s_unavailable = new(Check);

    /// <summary>Null when the libraries load and are the ABI above; else why not (the reader then runs ffmpeg).</summary>
    public static string? Unavailable => s_unavailable.Value;

    public static bool Load() => Unavailable is null;

    private static string? Check()
    {
        foreach (var name in new[] { Format, Codec, Util, Scale })
        {
            if (!NativeLibrary.TryLoad(name, out _))
            {
                return $"{name} is not installed";
            }
        }

        // LIBAVFORMAT_VERSION_INT etc.: major << 16 | minor << 8 | micro.
        var majors = (avformat_version() >> 16, avcodec_version() >> 16, avutil_version() >> 16, swscale_version() >> 16);
        return majors == (59u, 59u, 57u, 6u) ? null : $"libav majors {majors} are not FFmpeg 5.1's (59, 59, 57, 6)";
    }

    public static int ReadInt(nint p, int offset) => *(int*)(p + offset);

    public static long ReadLong(nint p, int offset) => *(long*)(p + offset);

    public static nint ReadPointer(nint p, int offset) => *(nint*)(p + offset);

    [LibraryImport(Format)]
    public static partial uint avformat_version();

    [LibraryImport(Codec)]
    public static partial uint avcodec_version();

    [LibraryImport(Util)]
    public static partial uint avutil_version();

    [LibraryImport(Scale)]
    public static partial uint swscale_version();

    [LibraryImport(Format, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int avformat_open_input(nint* context, string url, nint format, nint options);

    [LibraryImport(Format)]
    public static partial int avformat_find_stream_info(nint context, nint options);

    [LibraryImport(Format)]
    public static partial void avformat_close_input(nint* context);

    [LibraryImport(Format)]
    public static partial int av_read_frame(nint context, nint packet);

    [LibraryImport(Format)]
    public static partial int av_seek_frame(nint context, int streamIndex, long timestamp, int flags);

    [LibraryImport(Codec)]
    public static partial nint avcodec_find_decoder(int codecId);

    [LibraryImport(Codec)]
    public static partial nint avcodec_get_name(int codecId);

    [LibraryImport(Codec)]
    public static partial nint avcodec_alloc_context3(nint codec);

    [LibraryImport(Codec)]
    public static partial void avcodec_free_context(nint* context);

    [LibraryImport(Codec)]
    public static partial int avcodec_parameters_to_context(nint context, nint parameters);

    [LibraryImport(Codec)]
    public static partial int avcodec_open2(nint context, nint codec, nint* options);

    [LibraryImport(Codec)]
    public static partial int avcodec_send_packet(nint context, nint packet);

    [LibraryImport(Codec)]
    public static partial int avcodec_receive_frame(nint context, nint frame);

    [LibraryImport(Codec)]
    public static partial void avcodec_flush_buffers(nint context);

    [LibraryImport(Codec)]
    public static partial nint av_packet_alloc();

    [LibraryImport(Codec)]
    public static partial void av_packet_free(nint* packet);

    [LibraryImport(Codec)]
    public static partial void av_packet_unref(nint packet);

    [LibraryImport(Util)]
    public static partial nint av_frame_alloc();

    [LibraryImport(Util)]
    public static partial void av_frame_free(nint* frame);

    [LibraryImport(Util, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_dict_set(nint* dictionary, string key, string value, int flags);

    [LibraryImport(Util)]
    public static partial void av_dict_free(nint* dictionary);

    [LibraryImport(Util, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_opt_set_int(nint target, string name, long value, int searchFlags);

    [LibraryImport(Scale)]
    public static partial nint sws_getCachedContext(nint context, int srcW, int srcH, int srcFormat, int dstW, int dstH, int dstFormat, int flags, nint srcFilter, nint dstFilter, nint param);

    [LibraryImport(Scale)]
    public static partial void sws_freeContext(nint context);

    [LibraryImport(Scale)]
    public static partial int sws_scale(nint context, nint srcSlice, nint srcStride, int srcSliceY, int srcSliceH, nint* dst, int* dstStride);

    [LibraryImport(Scale)]
    public static partial nint sws_getCoefficients(int colorspace);

    [LibraryImport(Scale)]
    public static partial int sws_getColorspaceDetails(nint context, nint* invTable, int* srcRange, nint* table, int* dstRange, int* brightness, int* contrast, int* saturation);

    [LibraryImport(Scale)]
    public static partial int sws_setColorspaceDetails(nint context, nint invTable, int srcRange, nint table, int dstRange, int brightness, int contrast, int saturation);
}
