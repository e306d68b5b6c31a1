using System.Text.Json.Nodes;

namespace Switchback.Core.Manifests;

/// <summary>
/// A <c>kind: Rollout</c> document. Only <c>kind</c> and <c>deployment</c> are validated here; <paramref name="Spec"/> is the
/// whole document minus <c>kind</c>, its scalars typed by the YAML 1.2 core schema, for the rollout plan parser to validate.
/// </summary>
public sealed record RolloutManifest(int Index, string Deployment, JsonObject Spec) : ManifestDocument(Index);
