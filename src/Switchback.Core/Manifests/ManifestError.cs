namespace Switchback.Core.Manifests;

/// <summary>One problem in a manifest file.</summary>
/// <param name="Source">The file path (or the name the caller gave the text).</param>
/// <param name="DocumentIndex">The 0-based document index in the file.</param>
/// <param name="Path">The field path, e.g. <c>model.endpoint</c>; <c>(document)</c> or <c>(file)</c> when no field is at fault.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record ManifestError(string Source, int DocumentIndex, string Path, string Message)
{
    /// <summary>The document-level path.</summary>
    public const string DocumentPath = "(document)";

    /// <summary>The path of file-level problems (missing, too large, not text).</summary>
    public const string FilePath = "(file)";

    /// <inheritdoc />
    public override string ToString() => $"{Source}: document {DocumentIndex}: {Path}: {Message}";
}
