using Switchback.Core.Manifests;

namespace Switchback.Core.Rollouts;

/// <summary>The outcome of validating a rollout document: the spec, or every error found (never both).</summary>
/// <param name="Spec">The validated spec; null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Every problem, each naming the file, document index and field path.</param>
public sealed record RolloutSpecResult(RolloutSpec? Spec, IReadOnlyList<ManifestError> Errors)
{
    /// <summary>Whether the document was valid.</summary>
    public bool IsValid => Spec is not null;
}
