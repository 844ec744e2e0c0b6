using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Media.Video;

/// <summary>
/// The sampled frames of recently read videos, so the questions that share a video (Video-MME asks 3 per video, MLVU
/// several) decode it once per run. Keyed by the file (full path, size, modification time) and the frame count;
/// bounded by the bytes of the frames held, least recently used first out. Concurrent requests for one video wait
/// for one decode; a failed decode is not kept, so every document asking for that video gets the error.
/// </summary>
public sealed class VideoFrameCache(VideoReader reader, long maxBytes)
{
    /// <summary>Default bound: 1 GiB, about 11 videos of 32 frames at 1280x720 (32 · 2.76 MB each).</summary>
    public const long DefaultMaxBytes = 1L << 30;

    private readonly object _gate = new();
    private readonly Dictionary<Key, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private long _bytes;
    private long _hits;
    private long _decodes;

    public VideoReader Reader => reader;

    public long MaxBytes => maxBytes;

    /// <summary>Bytes of frames held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Videos this cache had decoded (a decode that failed included).</summary>
    public long Decodes => Interlocked.Read(ref _decodes);

    /// <summary>Requests answered from a decode already done or under way.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>The <paramref name="count"/> uniformly sampled frames of <paramref name="path"/> (<see cref="VideoReader.SampleUniform"/>).</summary>
    public IReadOnlyList<RgbImage> SampleUniform(string path, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileInfo(Path.GetFullPath(path));
        if (!file.Exists)
        {
            // Not cached: the reader's own error names the file.
            return [.. reader.SampleUniform(path, count).Select(f => f.Image)];
        }

        var key = new Key(file.FullName, file.Length, file.LastWriteTimeUtc.Ticks, count);
        Lazy<IReadOnlyList<RgbImage>> lazy;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                lazy = node.Value.Frames;
                Interlocked.Increment(ref _hits);
            }
            else
            {
                lazy = new Lazy<IReadOnlyList<RgbImage>>(
                    () =>
                    {
                        Interlocked.Increment(ref _decodes);
                        return [.. reader.SampleUniform(path, count).Select(f => f.Image)];
                    },
                    LazyThreadSafetyMode.ExecutionAndPublication);
                _entries[key] = _recency.AddFirst(new Entry(key, lazy));
            }
        }

        IReadOnlyList<RgbImage> frames;
        try
        {
            frames = lazy.Value;
        }
        catch
        {
            Forget(key, lazy);
            throw;
        }

        Account(key, lazy, frames);
        return frames;
    }

    private void Forget(Key key, Lazy<IReadOnlyList<RgbImage>> lazy)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node) && ReferenceEquals(node.Value.Frames, lazy))
            {
                _bytes -= node.Value.Bytes;
                _entries.Remove(key);
                _recency.Remove(node);
            }
        }
    }

    /// <summary>Counts a finished decode's bytes once, then evicts least recently used entries beyond the bound.</summary>
    private void Account(Key key, Lazy<IReadOnlyList<RgbImage>> lazy, IReadOnlyList<RgbImage> frames)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node) || !ReferenceEquals(node.Value.Frames, lazy) || node.Value.Bytes > 0)
            {
                return;
            }

            // Repeated indices share one image: count each distinct frame once.
            var size = frames.Select(f => f.Pixels).Distinct().Sum(p => (long)p.Length);
            node.Value = node.Value with { Bytes = Math.Max(1, size) };
            _bytes += node.Value.Bytes;
            while (_bytes > maxBytes && _recency.Last is { } last)
            {
                if (last.Value.Bytes == 0)
                {
                    break; // still decoding: cannot be weighed or dropped yet
                }

                _bytes -= last.Value.Bytes;
                _entries.Remove(last.Value.Key);
                _recency.RemoveLast();
            }
        }
    }

    private readonly record struct Key(string Path, long Length, long Modified, int Count);

    private sealed record Entry(Key Key, Lazy<IReadOnlyList<RgbImage>> Frames)
    {
        public long Bytes { get; init; }
    }
}
