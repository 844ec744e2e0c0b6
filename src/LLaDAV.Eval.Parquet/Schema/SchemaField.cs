using LLaDAV.Eval.Parquet.Metadata;

namespace LLaDAV.Eval.Parquet.Schema;

/// <summary>How a schema node's values are shaped in the rows the reader returns.</summary>
public enum FieldShape
{
    /// <summary>A leaf: one primitive value.</summary>
    Primitive,

    /// <summary>A group without LIST/MAP annotation: <see cref="IReadOnlyDictionary{TKey, TValue}"/>.</summary>
    Struct,

    /// <summary>A LIST-annotated group: <see cref="IReadOnlyList{T}"/>.</summary>
    List,

    /// <summary>A MAP-annotated group: a list of <see cref="KeyValuePair{TKey, TValue}"/>.</summary>
    Map,
}

/// <summary>One node of the Parquet schema tree, with the levels the Dremel encoding gives it.</summary>
public sealed class SchemaField
{
    private readonly List<SchemaField> _children = [];

    internal SchemaField(SchemaElement element, SchemaField? parent)
    {
        Element = element;
        Parent = parent;
        Path = parent is null || parent.Parent is null ? element.Name : $"{parent.Path}.{element.Name}";
        var repetition = element.Repetition ?? Repetition.Required;
        var parentDef = parent?.DefinitionLevel ?? 0;
        var parentRep = parent?.RepetitionLevel ?? 0;
        DefinitionLevel = parent is null ? 0 : parentDef + (repetition == Repetition.Required ? 0 : 1);
        RepetitionLevel = parent is null ? 0 : parentRep + (repetition == Repetition.Repeated ? 1 : 0);
    }

    public string Name => Element.Name;

    /// <summary>Dotted path from the top-level column, e.g. <c>image.bytes</c>.</summary>
    public string Path { get; }

    public Repetition Repetition => Element.Repetition ?? Repetition.Required;

    public PhysicalType? PhysicalType => Element.Type;

    public LogicalType? LogicalType => Element.LogicalType;

    public ConvertedType ConvertedType => Element.ConvertedType;

    public bool IsLeaf => Element.Type is not null;

    public FieldShape Shape { get; internal set; }

    public IReadOnlyList<SchemaField> Children => _children;

    internal SchemaElement Element { get; }

    internal SchemaField? Parent { get; }

    /// <summary>Definition level when this node is present (spec: count of non-required nodes from the root).</summary>
    internal int DefinitionLevel { get; }

    /// <summary>Repetition level of this node (count of repeated nodes from the root).</summary>
    internal int RepetitionLevel { get; }

    /// <summary>For a LIST/MAP group: its repeated child.</summary>
    internal SchemaField? RepeatedChild { get; set; }

    /// <summary>For a LIST: the list elements are instances of <see cref="RepeatedChild"/> itself (legacy two-level
    /// forms) rather than of its single child (the standard three-level form).</summary>
    internal bool ElementIsRepeatedChild { get; set; }

    /// <summary>Leaf columns under this node: indices [LeafStart, LeafEnd) into <see cref="ParquetSchema.Leaves"/>.</summary>
    internal int LeafStart { get; set; }

    internal int LeafEnd { get; set; }

    /// <summary>For a leaf: the nodes from the top-level column down to it.</summary>
    internal SchemaField[] PathNodes { get; set; } = [];

    internal void AddChild(SchemaField child) => _children.Add(child);

    public override string ToString() => $"{Path} ({Shape}{(IsLeaf ? $" {PhysicalType}" : string.Empty)}, {Repetition})";
}
