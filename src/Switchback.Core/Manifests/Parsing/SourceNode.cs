namespace Switchback.Core.Manifests.Parsing;

/// <summary>A node of a parsed manifest document, before validation; Line is 0 when unknown (JSON input).</summary>
internal abstract record SourceNode(long Line, long Column)
{
    /// <summary>" (line L, column C)" for YAML nodes, empty for JSON ones.</summary>
    public string Where => Line > 0 ? $" (line {Line}, column {Column})" : string.Empty;
}

/// <summary>A scalar: its text, and whether it was quoted (or a block scalar), which makes it a string in every schema.</summary>
internal sealed record ScalarNode(string Text, bool Quoted, long Line, long Column) : SourceNode(Line, Column)
{
    /// <summary>Whether this is a plain null (empty, <c>~</c>, <c>null</c>): nothing was written for the value.</summary>
    public bool IsNull => !Quoted && Text is "" or "~" or "null" or "Null" or "NULL";
}

/// <summary>A sequence of nodes.</summary>
internal sealed record SequenceNode(IReadOnlyList<SourceNode> Items, long Line, long Column) : SourceNode(Line, Column);

/// <summary>A mapping with string keys, in written order, without duplicates.</summary>
internal sealed record MappingNode(IReadOnlyList<KeyValuePair<string, SourceNode>> Entries, long Line, long Column) : SourceNode(Line, Column);
