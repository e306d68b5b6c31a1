using Switchback.Core.Monitors;

namespace Switchback.Core.Manifests;

/// <summary>A validated <c>kind: Monitor</c> document.</summary>
public sealed record MonitorManifest(int Index, MonitorSpec Spec) : ManifestDocument(Index);
