using LLaDAV.Eval.Parquet.Metadata;
using LLaDAV.Eval.Parquet.Schema;

namespace LLaDAV.Eval.Parquet.Reading;

/// <summary>
/// Rebuilds nested values from leaf columns (the record assembly of the Dremel paper, which Parquet's levels
/// follow). Each leaf is first folded, row by row, into lists (one per repeated node on its path) holding values
/// or null markers that remember the definition level where the path stopped; the leaves under a group are then
/// zipped together into structs, lists and maps.
/// </summary>
internal sealed class RecordAssembler
{
    private static readonly NullMarker[] s_markers = [.. Enumerable.Range(0, 256).Select(d => new NullMarker(d))];

    private readonly Dictionary<SchemaField, FieldNames> _names = [];

    /// <summary>Values of one top-level field for every row of the row group.</summary>
    public object?[] Assemble(SchemaField field, LeafData[] leaves, int rows)
    {
        if (field.IsLeaf && field.RepetitionLevel == 0)
        {
            return Flat(leaves[field.LeafStart], rows);
        }

        var width = field.LeafEnd - field.LeafStart;
        var perLeaf = new object?[width][];
        for (var j = 0; j < width; j++)
        {
            perLeaf[j] = Fold(leaves[field.LeafStart + j], rows);
        }

        var result = new object?[rows];
        var scratch = new object?[width];
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < width; j++)
            {
                scratch[j] = perLeaf[j][r];
            }

            result[r] = MergeValue(field, scratch, field.LeafStart);
        }

        return result;
    }

    public FieldNames NamesOf(SchemaField group)
    {
        if (!_names.TryGetValue(group, out var names))
        {
            names = new FieldNames([.. group.Children.Select(c => c.Name)]);
            _names[group] = names;
        }

        return names;
    }

    private static object?[] Flat(LeafData leaf, int rows)
    {
        var result = new object?[rows];
        if (leaf.MaxDefinition == 0)
        {
            if (leaf.ValueCount != rows)
            {
                throw new ParquetFormatException($"required column holds {leaf.ValueCount} values for {rows} rows");
            }

            Array.Copy(leaf.Values, result, rows);
            return result;
        }

        var v = 0;
        var max = leaf.MaxDefinition;
        for (var r = 0; r < rows; r++)
        {
            if (leaf.Definition[r] == max)
            {
                result[r] = leaf.Values[v++];
            }
        }

        return result;
    }

    /// <summary>Folds a leaf's level entries into one value per row (the leaf's view of the nested structure).</summary>
    private static object?[] Fold(LeafData leaf, int rows)
    {
        var cursor = new Cursor(leaf);
        var result = new object?[rows];
        for (var r = 0; r < rows; r++)
        {
            if (cursor.Pos >= leaf.Count || cursor.Rep(cursor.Pos) != 0)
            {
                throw new ParquetFormatException($"levels of '{leaf.Leaf.Path}' do not start row {r} where expected");
            }

            result[r] = cursor.Build(0);
        }

        if (cursor.Pos != leaf.Count || cursor.ValueIndex != leaf.ValueCount)
        {
            throw new ParquetFormatException($"levels of '{leaf.Leaf.Path}' account for {cursor.ValueIndex} of {leaf.ValueCount} values");
        }

        return result;
    }

    private object? MergeValue(SchemaField node, object?[] rs, int baseLeaf)
    {
        var first = rs[node.LeafStart - baseLeaf];
        if (node.Repetition == Repetition.Repeated)
        {
            return MergeRepeated(node, rs, baseLeaf, ItemMode.Instance);
        }

        if (first is NullMarker m && m.Definition < node.DefinitionLevel)
        {
            return null;
        }

        return MergeInstance(node, rs, baseLeaf);
    }

    private object? MergeInstance(SchemaField node, object?[] rs, int baseLeaf)
    {
        if (node.IsLeaf)
        {
            var v = rs[node.LeafStart - baseLeaf];
            return v is NullMarker ? null : v;
        }

        switch (node.Shape)
        {
            case FieldShape.List:
                return MergeRepeated(node.RepeatedChild!, rs, baseLeaf, node.ElementIsRepeatedChild ? ItemMode.Instance : ItemMode.SingleChild);
            case FieldShape.Map:
                return MergeRepeated(node.RepeatedChild!, rs, baseLeaf, ItemMode.MapEntry);
            default:
                var children = node.Children;
                var values = new object?[children.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = MergeValue(children[i], rs, baseLeaf);
                }

                return new NamedValues(NamesOf(node), values);
        }
    }

    private object MergeRepeated(SchemaField node, object?[] rs, int baseLeaf, ItemMode mode)
    {
        var width = node.LeafEnd - node.LeafStart;
        var firstValue = rs[node.LeafStart - baseLeaf];
        if (firstValue is NullMarker)
        {
            return mode == ItemMode.MapEntry ? Array.Empty<KeyValuePair<object?, object?>>() : Array.Empty<object?>();
        }

        if (firstValue is not List<object?> firstList)
        {
            throw new ParquetFormatException($"levels of '{node.Path}' do not form a list");
        }

        var count = firstList.Count;
        var lists = new List<object?>[width];
        for (var j = 0; j < width; j++)
        {
            lists[j] = rs[node.LeafStart - baseLeaf + j] is List<object?> l && l.Count == count
                ? l
                : throw new ParquetFormatException($"the columns under '{node.Path}' disagree on the length of a list");
        }

        var item = new object?[width];
        if (mode == ItemMode.MapEntry)
        {
            var entries = new KeyValuePair<object?, object?>[count];
            for (var e = 0; e < count; e++)
            {
                Fill(lists, item, e);
                var key = MergeValue(node.Children[0], item, node.LeafStart);
                var value = node.Children.Count > 1 ? MergeValue(node.Children[1], item, node.LeafStart) : null;
                entries[e] = new KeyValuePair<object?, object?>(key, value);
            }

            return entries;
        }

        var result = new object?[count];
        for (var e = 0; e < count; e++)
        {
            Fill(lists, item, e);
            result[e] = mode == ItemMode.SingleChild ? MergeValue(node.Children[0], item, node.LeafStart) : MergeInstance(node, item, node.LeafStart);
        }

        return result;
    }

    private static void Fill(List<object?>[] lists, object?[] item, int e)
    {
        for (var j = 0; j < lists.Length; j++)
        {
            item[j] = lists[j][e];
        }
    }

    private enum ItemMode
    {
        Instance,
        SingleChild,
        MapEntry,
    }

    /// <summary>Where a leaf's path stopped: the definition level of a null or of an empty list.</summary>
    private sealed record NullMarker(int Definition);

    /// <summary>Walks one leaf's level entries; every call to <see cref="Build"/> consumes at least one entry.</summary>
    private sealed class Cursor(LeafData leaf)
    {
        private readonly SchemaField[] _path = leaf.Leaf.PathNodes;

        public int Pos { get; private set; }

        public int ValueIndex { get; private set; }

        public int Rep(int pos) => leaf.MaxRepetition == 0 ? 0 : leaf.Repetition[pos];

        public object? Build(int i)
        {
            if (Pos >= leaf.Count)
            {
                throw new ParquetFormatException($"levels of '{leaf.Leaf.Path}' end inside a row");
            }

            var node = _path[i];
            var d = Def(Pos);
            if (node.Repetition == Repetition.Repeated)
            {
                if (d < node.DefinitionLevel)
                {
                    Pos++;
                    return Marker(d);
                }

                var list = new List<object?>();
                do
                {
                    list.Add(BuildInstance(i));
                }
                while (Pos < leaf.Count && Rep(Pos) >= node.RepetitionLevel);
                return list;
            }

            if (node.Repetition == Repetition.Optional && d < node.DefinitionLevel)
            {
                Pos++;
                return Marker(d);
            }

            return BuildInstance(i);
        }

        private object? BuildInstance(int i)
        {
            if (i + 1 < _path.Length)
            {
                return Build(i + 1);
            }

            if (Def(Pos) != leaf.MaxDefinition || ValueIndex >= leaf.ValueCount)
            {
                throw new ParquetFormatException($"levels of '{leaf.Leaf.Path}' are inconsistent with its schema");
            }

            Pos++;
            return leaf.Values[ValueIndex++];
        }

        private int Def(int pos) => leaf.MaxDefinition == 0 ? 0 : leaf.Definition[pos];

        private static NullMarker Marker(int d) => d < s_markers.Length ? s_markers[d] : new NullMarker(d);
    }
}
