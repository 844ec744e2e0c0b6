namespace LLaDAV.Eval.Parquet.Reading;

/// <summary>
/// Shared boxes for the values datasets repeat most (booleans, small integers such as labels and counts), so a
/// column of them does not allocate one object per row.
/// </summary>
internal static class Boxes
{
    private const int Min = -128;
    private const int Max = 1023;

    private static readonly object s_true = true;
    private static readonly object s_false = false;
    private static readonly object[] s_ints = [.. Enumerable.Range(Min, Max - Min + 1).Select(i => (object)i)];
    private static readonly object[] s_longs = [.. Enumerable.Range(Min, Max - Min + 1).Select(i => (object)(long)i)];

    public static object Bool(bool b) => b ? s_true : s_false;

    public static object Int(int v) => v is >= Min and <= Max ? s_ints[v - Min] : v;

    public static object Long(long v) => v is >= Min and <= Max ? s_longs[v - Min] : v;
}
