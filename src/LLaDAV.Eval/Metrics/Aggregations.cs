using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Metrics;

/// <summary>An aggregated metric: value and stderr (null = lmms-eval's "N/A").</summary>
public sealed record AggregateValue(double? Value, double? Stderr);

/// <summary>
/// lmms-eval's built-in <c>mean</c> aggregation and its stderr (<c>api/metrics.py</c>: <c>mean_stderr</c> =
/// sample standard deviation with ddof=1 over √n; docs/LMMS-EVAL.md §1.6 step 11).
/// </summary>
public static class Aggregations
{
    public static AggregateValue Mean(IReadOnlyList<JsonNode?> items)
    {
        var xs = items.Select(ToDouble).ToArray();
        if (xs.Length == 0)
        {
            return new AggregateValue(null, null);
        }

        var mean = xs.Sum() / xs.Length;
        double? stderr = null;
        if (xs.Length > 1)
        {
            var ss = xs.Sum(x => (x - mean) * (x - mean));
            stderr = Math.Sqrt(ss / (xs.Length - 1)) / Math.Sqrt(xs.Length);
        }

        return new AggregateValue(mean, stderr);
    }

    /// <summary>A per-sample value as a number: numbers as they are, booleans as 0/1.</summary>
    public static double ToDouble(JsonNode? node) => node switch
    {
        null => throw new InvalidDataException("A per-sample metric value is null; the mean aggregation needs numbers."),
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? 1.0 : 0.0,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        _ => throw new InvalidDataException($"A per-sample metric value '{node.ToJsonString()}' is not a number; give the metric an aggregation hook."),
    };
}
