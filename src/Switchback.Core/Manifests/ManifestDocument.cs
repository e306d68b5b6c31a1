namespace Switchback.Core.Manifests;

/// <summary>One validated document of a manifest file.</summary>
/// <param name="Index">The document's 0-based position in the file.</param>
public abstract record ManifestDocument(int Index);
