using System.Text;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Scaling;

/// <summary>Finished docs, generated tokens and model time of one task, summed over shards.</summary>
public sealed record TaskProgress(string Task, int Done, int Total, long GeneratedTokens, double ModelSeconds);

/// <summary>
/// Reads the shards' journals as they grow (only the bytes appended since the last look, whole lines only) to show
/// one combined progress view. A journal that shrank (a resumed worker cut a torn last line) is read again.
/// </summary>
public sealed class ShardProgress(string root, int shardCount, IReadOnlyList<TaskWork> work)
{
    private readonly Dictionary<(int Shard, string Task), JournalTail> _tails = [];

    public IReadOnlyList<TaskProgress> Read()
    {
        var result = new List<TaskProgress>();
        foreach (var w in work)
        {
            int done = 0;
            long tokens = 0;
            double seconds = 0;
            for (var k = 0; k < shardCount; k++)
            {
                if (!_tails.TryGetValue((k, w.Task), out var tail))
                {
                    tail = new JournalTail(Running.ResultsWriter.JournalPath(ScaleLayout.ShardDirectory(root, k, shardCount), w.Task));
                    _tails[(k, w.Task)] = tail;
                }

                tail.Update();
                done += tail.Docs.Count;
                tokens += tail.Tokens;
                seconds += tail.Seconds;
            }

            result.Add(new TaskProgress(w.Task, done, w.Docs, tokens, seconds));
        }

        return result;
    }

    private sealed class JournalTail(string path)
    {
        private long _offset;

        public HashSet<int> Docs { get; } = [];

        public long Tokens { get; private set; }

        public double Seconds { get; private set; }

        public void Update()
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return;
            }

            if (info.Length < _offset)
            {
                _offset = 0;
                Docs.Clear();
                Tokens = 0;
                Seconds = 0;
            }

            if (info.Length == _offset)
            {
                return;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(_offset, SeekOrigin.Begin);
            var bytes = new byte[info.Length - _offset];
            var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (bytes[i] != (byte)'\n')
                {
                    continue;
                }

                try
                {
                    var entry = JsonNode.Parse(Encoding.UTF8.GetString(bytes, start, i - start));
                    if (entry?["doc_id"] is { } id && Docs.Add((int)id))
                    {
                        Tokens += (long?)entry["usage"]?["generated_tokens"] ?? 0;
                        Seconds += ((double?)entry["elapsed_ms"] ?? 0) / 1000;
                    }
                }
                catch (System.Text.Json.JsonException)
                {
                    // Progress only: a damaged line is the worker's to report when it resumes.
                }

                start = i + 1;
            }

            _offset += start;
        }
    }
}
