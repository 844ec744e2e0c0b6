using LLaDAV.Eval.Media.Images;
using static LLaDAV.Eval.Media.Video.Libav.LibavNative;

namespace LLaDAV.Eval.Media.Video.Libav;

/// <summary>
/// One video file opened in this process through libav: decord's frame index (every packet of the first video stream,
/// its pts and keyframe flag, sorted by pts; decord <c>VideoReader::IndexKeyframes</c>) and its <c>get_batch</c>
/// seek-and-decode (seek to the keyframe before a wanted frame unless decoding on from the last one is nearer, decode up
/// to it; unlike decord, non-reference frames on the way are not decoded), each frame converted to rgb24 by swscale as
/// ffmpeg's <c>scale</c> filter converts it. It answers null
/// wherever its result could differ from the ffmpeg-process path (a packet without pts, a frame that is not the wanted
/// one, a decode error, a size change), and <see cref="VideoReader"/> then takes that path, which also reports errors.
/// Not thread-safe: one decode at a time per instance.
/// </summary>
internal sealed unsafe class LibavVideoFile : IDisposable
{
    private nint _format;
    private nint _decoder;
    private nint _packet;
    private nint _frame;
    private nint _scaler;
    private readonly int _stream;
    private readonly nint _par;
    private readonly int _codecId;
    private bool? _decoderOpen;
    private HashSet<long>? _wanted;
    private int _skipFrame = -1;

    private LibavVideoFile(nint format, int stream, nint par, int codecId, VideoInfo info, PacketTimes times)
    {
        _format = format;
        _stream = stream;
        _par = par;
        _codecId = codecId;
        Info = info;
        Times = times;
    }

    public VideoInfo Info { get; }

    public PacketTimes Times { get; }

    /// <summary>
    /// Frames the decoder has output so far, wanted or not: the work a seek-and-decode does, which depends on where the
    /// wanted frames lie in their GOPs (<c>bench --video</c> reports it beside the time).
    /// </summary>
    public int FramesDecoded { get; private set; }

    /// <summary>The file opened and indexed, or null when libav is not the FFmpeg 5.1 ABI or cannot read it.</summary>
    public static LibavVideoFile? TryOpen(string path)
    {
        if (!Load())
        {
            return null;
        }

        nint format = 0;
        // An explicit file: URL, as for the ffmpeg processes: names starting with '-' or holding ':' stay files.
        if (avformat_open_input(&format, "file:" + Path.GetFullPath(path), 0, 0) < 0)
        {
            return null;
        }

        if (avformat_find_stream_info(format, 0) < 0 || FirstVideoStream(format) is not { } s)
        {
            avformat_close_input(&format);
            return null;
        }

        var stream = ReadPointer(ReadPointer(format, FormatStreams), s * sizeof(nint));
        var par = ReadPointer(stream, StreamCodecpar);
        var (tbNum, tbDen) = (ReadInt(stream, StreamTimeBase), ReadInt(stream, StreamTimeBase + 4));
        var (width, height) = (ReadInt(par, ParWidth), ReadInt(par, ParHeight));
        var codecId = ReadInt(par, ParCodecId);
        var nbFrames = ReadLong(stream, StreamNbFrames);
        var fps = Rate(stream, StreamAvgFrameRate) is var avg and > 0 ? avg : Rate(stream, StreamRFrameRate);
        var duration = ReadLong(stream, StreamDuration);
        var layoutHolds = ReadInt(stream, StreamIndex) == s && tbNum > 0 && tbDen > 0 && width > 0 && height > 0; // else not the ABI assumed
        var (times, packetCount) = layoutHolds ? ReadIndex(format, s, tbNum, tbDen) : (null, 0);
        if (times is null)
        {
            avformat_close_input(&format);
            return null;
        }

        var info = new VideoInfo(
            path,
            Utf8(avcodec_get_name(codecId)),
            width,
            height,
            // ffprobe's answer (VideoReader.Probe): nb_frames, else the stream's packet count.
            nbFrames > 0 ? (int)nbFrames : packetCount,
            fps,
            duration > 0 ? duration * (double)tbNum / tbDen : 0);
        return new LibavVideoFile(format, s, par, codecId, info, times);
    }

    /// <summary>
    /// Every packet of stream <paramref name="s"/>: pts and keyframe flag, sorted by pts (demuxed, not decoded). Null
    /// past <see cref="VideoReader.MaxIndexedPackets"/> (a bounded read): the ffmpeg-process path then refuses the file
    /// with its one message.
    /// </summary>
    private static (PacketTimes? Times, int Count) ReadIndex(nint format, int s, int tbNum, int tbDen)
    {
        var packets = new List<(long Pts, bool Key)>();
        var missing = false;
        var packet = av_packet_alloc();
        try
        {
            while (av_read_frame(format, packet) >= 0)
            {
                if (ReadInt(packet, PacketStreamIndex) == s)
                {
                    if (packets.Count >= VideoReader.MaxIndexedPackets)
                    {
                        av_packet_unref(packet);
                        return (null, packets.Count);
                    }

                    var pts = ReadLong(packet, PacketPts);
                    missing |= pts == NoPts; // e.g. AVI packets carry no pts
                    packets.Add((pts, (ReadInt(packet, PacketFlags) & PacketFlagKey) != 0));
                }

                av_packet_unref(packet);
            }
        }
        finally
        {
            av_packet_free(&packet);
        }

        return (PacketTimes.FromPackets(packets, tbNum, tbDen, missing), packets.Count);
    }

    /// <summary>
    /// The frames at <paramref name="distinct"/> (ascending presentation indices into <see cref="Times"/>), or null when
    /// a frame could not be reached exactly this way.
    /// </summary>
    public List<RgbImage>? ReadFrames(IReadOnlyList<int> distinct)
    {
        var times = Times;
        _decoderOpen ??= OpenDecoder(_par, _codecId);
        if (!times.Complete || distinct.Count == 0 || distinct[^1] >= times.Pts.Length || _decoderOpen != true)
        {
            return null;
        }

        var lastKey = new int[times.Pts.Length];
        for (int i = 0, key = 0; i < lastKey.Length; i++)
        {
            key = times.Key[i] ? i : key;
            lastKey[i] = key;
        }

        _wanted = [.. distinct.Select(i => times.Pts[i])];
        var frames = new List<RgbImage>(distinct.Count);
        var position = -1; // the last frame decoded; none yet, so the first frame is sought
        foreach (var i in distinct)
        {
            if (i > 0 && times.Pts[i] == times.Pts[i - 1])
            {
                return null; // two packets with one pts: no timestamp tells them apart
            }

            // decord's get_batch: seek when the keyframe before frame i lies past the last decoded frame (decoding on
            // would pass through it anyway), else decode on.
            if (lastKey[i] > position)
            {
                if (av_seek_frame(_format, _stream, times.Pts[i], AvseekFlagBackward) < 0)
                {
                    return null;
                }

                avcodec_flush_buffers(_decoder);
            }

            if (!DecodeUntil(times.Pts[i]) || Convert() is not { } image)
            {
                return null;
            }

            frames.Add(image);
            position = i;
        }

        return frames;
    }

    public void Dispose()
    {
        // Each free takes a null pointer as nothing to do and nulls what it frees, so a second Dispose is harmless.
        sws_freeContext(_scaler);
        _scaler = 0;
        fixed (nint* frame = &_frame, packet = &_packet, decoder = &_decoder, format = &_format)
        {
            av_frame_free(frame);
            av_packet_free(packet);
            avcodec_free_context(decoder);
            avformat_close_input(format);
        }
    }

    private bool OpenDecoder(nint par, int codecId)
    {
        var codec = avcodec_find_decoder(codecId);
        if (codec == 0)
        {
            return false;
        }

        _decoder = avcodec_alloc_context3(codec);
        _packet = av_packet_alloc();
        _frame = av_frame_alloc();
        if (_decoder == 0 || _packet == 0 || _frame == 0 || avcodec_parameters_to_context(_decoder, par) < 0)
        {
            return false;
        }

        // One thread, as the PyAV peer decodes (its slice threads do nothing for one-slice H.264): frame threads
        // (ffmpeg's -threads auto) cost 1.1-1.4 times the CPU on these seek-and-decode runs, and two single-threaded
        // decoders over halves of the seeks cost 1.05-1.1 times it, both measured on this 2-core machine, where they
        // were no faster either while other work held the second core. A run has that other work: the model, and the
        // prefetch decoding the next batches' videos. The output does not depend on the thread count.
        nint options = 0;
        av_dict_set(&options, "threads", "1", 0);
        var opened = avcodec_open2(_decoder, codec, &options);
        av_dict_free(&options);
        return opened >= 0;
    }

    /// <summary>Decodes until the frame with pts <paramref name="pts"/> is in <c>_frame</c>; false when another comes instead.</summary>
    private bool DecodeUntil(long pts)
    {
        while (true)
        {
            var received = avcodec_receive_frame(_decoder, _frame);
            if (received == 0)
            {
                FramesDecoded++;
                var at = ReadLong(_frame, FramePts);
                if (at == NoPts || at > pts)
                {
                    return false;
                }

                if (at == pts)
                {
                    return true;
                }

                continue; // a frame before the wanted one: decoded only to get there
            }

            // AVERROR_EOF (every frame out) or a decode error: the frame is not coming.
            if (received != ErrorAgain || !Feed())
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Sends the decoder the next packet of the stream, or at the end of the file the drain packet (the frames it holds
    /// back for reordering then come out, then AVERROR_EOF). False on a decode error: ffmpeg would go on past it, and
    /// the process path decides what that gives.
    /// </summary>
    private bool Feed()
    {
        while (av_read_frame(_format, _packet) >= 0)
        {
            if (ReadInt(_packet, PacketStreamIndex) != _stream)
            {
                av_packet_unref(_packet);
                continue;
            }

            // A packet that is not a wanted frame is decoded only if other frames reference it: with skip_frame=nonref
            // the decoder drops it when it is a non-reference frame (e.g. most B-frames), which no frame decoded later
            // can depend on, so every other frame's pixels are unchanged (the tests compare against full decodes).
            var skip = _wanted is { } wanted && !wanted.Contains(ReadLong(_packet, PacketPts)) ? AvdiscardNonref : AvdiscardDefault;
            if (skip != _skipFrame)
            {
                _skipFrame = av_opt_set_int(_decoder, "skip_frame", skip, 0) >= 0 ? skip : -1;
            }

            var sent = avcodec_send_packet(_decoder, _packet);
            av_packet_unref(_packet);
            return sent >= 0;
        }

        return avcodec_send_packet(_decoder, 0) >= 0;
    }

    /// <summary>
    /// The frame in rgb24, converted as ffmpeg 5.1's <c>scale</c> filter converts it for <c>-pix_fmt rgb24</c>
    /// (libavfilter/vf_scale.c: sws flags <c>bicubic</c>, the CLI's default; <c>in_color_matrix=auto</c> takes the
    /// frame's colorspace, BT.470BG when it is outside 1..10 or 8, for both tables; the frame's colour range when set).
    /// </summary>
    private RgbImage? Convert()
    {
        var (width, height, format) = (ReadInt(_frame, FrameWidth), ReadInt(_frame, FrameHeight), ReadInt(_frame, FrameFormat));
        if (width != Info.Width || height != Info.Height)
        {
            return null;
        }

        _scaler = sws_getCachedContext(_scaler, width, height, format, width, height, AvPixFmtRgb24, SwsBicubic, 0, 0, 0);
        if (_scaler == 0)
        {
            return null;
        }

        nint inverse, table;
        int sourceFull, destinationFull, brightness, contrast, saturation;
        sws_getColorspaceDetails(_scaler, &inverse, &sourceFull, &table, &destinationFull, &brightness, &contrast, &saturation);
        var colorspace = ReadInt(_frame, FrameColorspace);
        if (colorspace is < 1 or > 10 or 8)
        {
            colorspace = 5; // AVCOL_SPC_BT470BG
        }

        inverse = sws_getCoefficients(colorspace);
        var range = ReadInt(_frame, FrameColorRange);
        if (range != AvcolRangeUnspecified)
        {
            sourceFull = range == AvcolRangeJpeg ? 1 : 0;
        }

        sws_setColorspaceDetails(_scaler, inverse, sourceFull, inverse, destinationFull, brightness, contrast, saturation);
        var pixels = GC.AllocateUninitializedArray<byte>(checked(width * height * 3)); // swscale writes every byte
        fixed (byte* p = pixels)
        {
            var destination = stackalloc nint[4] { (nint)p, 0, 0, 0 };
            var strides = stackalloc int[4] { width * 3, 0, 0, 0 };
            if (sws_scale(_scaler, _frame + FrameData, _frame + FrameLinesize, 0, height, destination, strides) != height)
            {
                return null;
            }
        }

        return new RgbImage(width, height, pixels);
    }

    private static int? FirstVideoStream(nint format)
    {
        var count = (int)(uint)ReadInt(format, FormatNbStreams);
        var streams = ReadPointer(format, FormatStreams);
        for (var s = 0; s < count; s++)
        {
            var par = ReadPointer(ReadPointer(streams, s * sizeof(nint)), StreamCodecpar);
            if (par != 0 && ReadInt(par, ParCodecType) == AvmediaTypeVideo)
            {
                return s; // ffprobe's and ffmpeg's v:0: the first video stream
            }
        }

        return null;
    }

    private static double Rate(nint stream, int offset)
    {
        var (num, den) = (ReadInt(stream, offset), ReadInt(stream, offset + 4));
        return num > 0 && den > 0 ? num / (double)den : 0;
    }

    private static string Utf8(nint text) => text == 0 ? string.Empty : System.Runtime.InteropServices.Marshal.PtrToStringUTF8(text) ?? string.Empty;
}
