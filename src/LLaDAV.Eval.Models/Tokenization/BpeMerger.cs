using System.Buffers;

namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>The result of merging a pair: its rank (lower merges first) and the id of the merged token.</summary>
internal readonly record struct MergeResult(int Rank, int NewId);

/// <summary>
/// Applies BPE merges to one word, as <c>Word::merge_all</c> in tokenizers/src/models/bpe/word.rs does without dropout:
/// a priority queue of candidate pairs ordered by (rank, position); a popped candidate whose symbols have since changed
/// is skipped; each merge queues the new pairs with its left and right neighbours. Symbols form a doubly linked list.
/// </summary>
internal static class BpeMerger
{
    /// <summary>Merges <paramref name="ids"/> in place; returns the number of symbols left at the front.</summary>
    public static int Merge(Span<int> ids, Dictionary<long, MergeResult> merges)
    {
        var n = ids.Length;
        if (n < 2)
        {
            return n;
        }

        var prevArray = ArrayPool<int>.Shared.Rent(n);
        var nextArray = ArrayPool<int>.Shared.Rent(n);
        var alive = ArrayPool<bool>.Shared.Rent(n);
        try
        {
            var prev = prevArray.AsSpan(0, n);
            var next = nextArray.AsSpan(0, n);
            for (var i = 0; i < n; i++)
            {
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
                alive[i] = true;
            }

            var queue = new PriorityQueue<(int Pos, int NewId), long>(n);
            for (var i = 0; i + 1 < n; i++)
            {
                if (merges.TryGetValue(Key(ids[i], ids[i + 1]), out var m))
                {
                    queue.Enqueue((i, m.NewId), Priority(m.Rank, i));
                }
            }

            while (queue.TryDequeue(out var top, out _))
            {
                var pos = top.Pos;
                if (!alive[pos])
                {
                    continue;
                }

                var right = next[pos];
                if (right < 0 || !merges.TryGetValue(Key(ids[pos], ids[right]), out var current) || current.NewId != top.NewId)
                {
                    continue;
                }

                ids[pos] = current.NewId;
                alive[right] = false;
                var after = next[right];
                next[pos] = after;
                if (after >= 0)
                {
                    prev[after] = pos;
                }

                var left = prev[pos];
                if (left >= 0 && merges.TryGetValue(Key(ids[left], ids[pos]), out var leftMerge))
                {
                    queue.Enqueue((left, leftMerge.NewId), Priority(leftMerge.Rank, left));
                }

                if (after >= 0 && merges.TryGetValue(Key(ids[pos], ids[after]), out var rightMerge))
                {
                    queue.Enqueue((pos, rightMerge.NewId), Priority(rightMerge.Rank, pos));
                }
            }

            var count = 0;
            for (var i = 0; i >= 0; i = next[i])
            {
                ids[count++] = ids[i];
            }

            return count;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(prevArray);
            ArrayPool<int>.Shared.Return(nextArray);
            ArrayPool<bool>.Shared.Return(alive);
        }
    }

    public static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private static long Priority(int rank, int pos) => ((long)rank << 32) | (uint)pos;
}
