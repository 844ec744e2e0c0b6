using LLaDAV.Eval.Parquet.Schema;

namespace LLaDAV.Eval.Parquet.Reading;

/// <summary>
/// One leaf column of one row group after its pages are decoded: the level entries (Dremel repetition and
/// definition levels; absent when the column's maximum level is 0) and the non-null values in order.
/// </summary>
internal sealed class LeafData(SchemaField leaf)
{
    public SchemaField Leaf { get; } = leaf;

    public int MaxDefinition => Leaf.DefinitionLevel;

    public int MaxRepetition => Leaf.RepetitionLevel;

    /// <summary>Number of level entries (one per value slot, nulls and empty lists included).</summary>
    public int Count { get; set; }

    public int[] Definition { get; private set; } = [];

    public int[] Repetition { get; private set; } = [];

    public object?[] Values { get; private set; } = [];

    public int ValueCount { get; set; }

    public void EnsureLevels(int extra)
    {
        var needed = Count + extra;
        if (MaxDefinition > 0 && Definition.Length < needed)
        {
            Definition = Grow(Definition, needed);
        }

        if (MaxRepetition > 0 && Repetition.Length < needed)
        {
            Repetition = Grow(Repetition, needed);
        }
    }

    public void EnsureValues(int extra)
    {
        var needed = ValueCount + extra;
        if (Values.Length < needed)
        {
            Values = Grow(Values, needed);
        }
    }

    private static T[] Grow<T>(T[] array, int needed)
    {
        var size = (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)array.Length * 2));
        var bigger = new T[size];
        array.CopyTo(bigger, 0);
        return bigger;
    }
}
