using LLaDAV.Eval.Parquet.Metadata;

namespace LLaDAV.Eval.Parquet.Schema;

/// <summary>
/// The schema tree rebuilt from the footer's depth-first list of SchemaElements (parquet.thrift FileMetaData
/// field 2; a group's children follow it, num_children of them).
/// </summary>
public sealed class ParquetSchema
{
    /// <summary>Deeper nesting than this is refused: level arrays and assembly recursion scale with it.</summary>
    private const int MaxNesting = 64;

    private readonly Dictionary<string, SchemaField> _byName;

    private ParquetSchema(SchemaField root, List<SchemaField> leaves)
    {
        Root = root;
        Leaves = leaves;
        Fields = root.Children;
        _byName = new Dictionary<string, SchemaField>(StringComparer.Ordinal);
        foreach (var f in Fields)
        {
            _byName.TryAdd(f.Name, f);
        }
    }

    /// <summary>Top-level columns, in file order.</summary>
    public IReadOnlyList<SchemaField> Fields { get; }

    /// <summary>Primitive leaf columns in file order (the order of each row group's column chunks).</summary>
    public IReadOnlyList<SchemaField> Leaves { get; }

    internal SchemaField Root { get; }

    public SchemaField? Find(string topLevelName) => _byName.GetValueOrDefault(topLevelName);

    internal static ParquetSchema Build(IReadOnlyList<SchemaElement> elements)
    {
        var root = new SchemaField(elements[0], null);
        if (elements[0].Type is not null)
        {
            throw new ParquetFormatException("schema root is a primitive, not a group");
        }

        var leaves = new List<SchemaField>();
        var next = 1;
        Fill(root, elements, ref next, leaves, 0);
        if (next != elements.Count)
        {
            throw new ParquetFormatException($"schema lists {elements.Count} elements but its tree holds {next}");
        }

        return new ParquetSchema(root, leaves);
    }

    private static void Fill(SchemaField node, IReadOnlyList<SchemaElement> elements, ref int next, List<SchemaField> leaves, int depth)
    {
        node.LeafStart = leaves.Count;
        if (node.IsLeaf)
        {
            ValidateLeaf(node);
            leaves.Add(node);
            var path = new List<SchemaField>();
            for (var n = node; n.Parent is not null; n = n.Parent)
            {
                path.Add(n);
            }

            path.Reverse();
            node.PathNodes = [.. path];
            node.Shape = FieldShape.Primitive;
            node.LeafEnd = leaves.Count;
            return;
        }

        if (depth > MaxNesting)
        {
            throw new ParquetFormatException($"schema nests deeper than {MaxNesting} levels");
        }

        var count = node.Element.NumChildren;
        if (count <= 0 && node.Parent is not null)
        {
            throw new ParquetFormatException($"group '{node.Path}' has {count} children");
        }

        if (count > elements.Count - next)
        {
            throw new ParquetFormatException($"group '{node.Path}' claims {count} children but only {elements.Count - next} schema elements follow");
        }

        for (var i = 0; i < count; i++)
        {
            if (next >= elements.Count)
            {
                throw new ParquetFormatException($"group '{node.Path}' claims {count} children but the schema list ends after {i}");
            }

            var child = new SchemaField(elements[next++], node);
            node.AddChild(child);
            Fill(child, elements, ref next, leaves, depth + 1);
        }

        node.LeafEnd = leaves.Count;
        if (node.LeafEnd == node.LeafStart && node.Parent is not null)
        {
            throw new ParquetFormatException($"group '{node.Path}' has no leaf columns");
        }

        Classify(node);
    }

    private static void ValidateLeaf(SchemaField leaf)
    {
        if (leaf.Element.NumChildren > 0)
        {
            throw new ParquetFormatException($"primitive column '{leaf.Path}' claims {leaf.Element.NumChildren} children");
        }

        if (leaf.PhysicalType == PhysicalType.FixedLenByteArray && leaf.Element.TypeLength <= 0)
        {
            throw new ParquetFormatException($"FIXED_LEN_BYTE_ARRAY column '{leaf.Path}' has type length {leaf.Element.TypeLength}");
        }
    }

    /// <summary>
    /// Decides LIST/MAP shapes, including the backward-compatibility rules of LogicalTypes.md ("Lists" and "Maps"):
    /// a repeated primitive, a repeated group with several fields, or one named <c>array</c> or
    /// <c>&lt;list&gt;_tuple</c> is itself the element; otherwise its single child is.
    /// </summary>
    private static void Classify(SchemaField node)
    {
        node.Shape = FieldShape.Struct;
        var lt = node.LogicalType?.Kind ?? LogicalTypeKind.None;
        var isList = lt == LogicalTypeKind.List || node.ConvertedType == ConvertedType.List;
        var isMap = lt == LogicalTypeKind.Map || node.ConvertedType is ConvertedType.Map or ConvertedType.MapKeyValue;
        if (node.Parent is null || node.Repetition == Repetition.Repeated && !isList || node.Children.Count != 1)
        {
            return;
        }

        var repeated = node.Children[0];
        if (repeated.Repetition != Repetition.Repeated)
        {
            return;
        }

        if (isList)
        {
            node.Shape = FieldShape.List;
            node.RepeatedChild = repeated;
            node.ElementIsRepeatedChild = repeated.IsLeaf
                || repeated.Children.Count > 1
                || repeated.Name == "array"
                || repeated.Name == node.Name + "_tuple";
        }
        else if (isMap && !repeated.IsLeaf && repeated.Children.Count is 1 or 2)
        {
            node.Shape = FieldShape.Map;
            node.RepeatedChild = repeated;
        }
    }
}
