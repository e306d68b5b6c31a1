using Switchback.Core.Rollouts;

namespace Switchback.Control.Rollouts;

/// <summary>What starting a rollout did: the rollout (started, or the active one that refused it), or an error.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Rollout">The new rollout after its first step, or the deployment's active rollout when refused.</param>
/// <param name="Message">Why it was refused.</param>
internal sealed record RolloutStartResult(RolloutStartResultStatus Status, RolloutState? Rollout, string Message);
