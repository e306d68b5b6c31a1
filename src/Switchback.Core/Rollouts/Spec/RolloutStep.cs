using System.Text.Json.Serialization;

namespace Switchback.Core.Rollouts;

/// <summary>One step of a rollout plan. Every strategy is compiled into a list of these.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ShadowStep), "shadow")]
[JsonDerivedType(typeof(CanaryStep), "canary")]
[JsonDerivedType(typeof(PauseStep), "pause")]
[JsonDerivedType(typeof(PreviewStep), "preview")]
public abstract record RolloutStep
{
    /// <summary>How long the step lasts; null for a step that ends at once (weight 100) or waits for promote (pause).</summary>
    public abstract TimeSpan? Duration { get; }

    /// <summary>Requests each measured arm needs by the deadline; fewer is inconclusive.</summary>
    public abstract long MinRequests { get; }

    /// <summary>The step in words, as status and history show it (for example "canary 5 % for 10m, at least 200 requests per arm").</summary>
    public abstract string Describe();
}
