namespace Switchback.Core.Manifests.Parsing;

/// <summary>One document as parsed: its root (null when the document had syntax errors) and the errors found while parsing.</summary>
internal sealed record ParsedDocument(int Index, SourceNode? Root, IReadOnlyList<(string Path, string Message)> Errors)
{
    /// <summary>Whether this document is empty (only comments between separators) and is skipped.</summary>
    public bool IsEmpty { get; init; }
}
