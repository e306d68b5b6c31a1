using Switchback.Core.Bundles;

namespace Switchback.Core.Manifests;

/// <summary>A <c>kind: Bundle</c> document: the validated bundle with its canonical JSON and digest.</summary>
public sealed record BundleManifest(int Index, BundleContent Bundle) : ManifestDocument(Index);
