namespace Switchback.Core.Manifests;

/// <summary>What a manifest file held: the documents that validated and the errors of those that did not.</summary>
/// <param name="Documents">The valid documents, in file order.</param>
/// <param name="Errors">Every error found, in file order; empty when the whole file is valid.</param>
public sealed record ManifestReadResult(IReadOnlyList<ManifestDocument> Documents, IReadOnlyList<ManifestError> Errors)
{
    /// <summary>Whether the file had no error at all.</summary>
    public bool IsValid => Errors.Count == 0;
}
