using Switchback.Core.Rollouts;

namespace Switchback.Storage;

/// <summary>
/// What <see cref="IRegistryStore.StartRolloutAsync"/> did. <paramref name="Rollout"/> is the stored rollout when started,
/// the deployment's active rollout when refused with <see cref="RolloutStartStatus.ActiveExists"/>, else null.
/// <paramref name="Version"/> names the missing or archived version.
/// </summary>
public sealed record RolloutStartOutcome(RolloutStartStatus Status, RolloutState? Rollout, int? Version = null);
