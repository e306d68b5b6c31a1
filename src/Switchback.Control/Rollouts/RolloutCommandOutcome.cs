using Switchback.Core.Rollouts;

namespace Switchback.Control.Rollouts;

/// <summary>What an operator command did: the rollout afterwards, or why nothing changed.</summary>
/// <param name="Rollout">The rollout after the command; null when the deployment has no active rollout.</param>
/// <param name="Refusal">Why the command was refused; null when accepted.</param>
internal sealed record RolloutCommandOutcome(RolloutState? Rollout, string? Refusal)
{
    /// <summary>The id of a command queued for the leader that had not been applied when the wait ended; null otherwise.</summary>
    public long? Queued { get; init; }
}
