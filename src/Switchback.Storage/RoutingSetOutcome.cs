using Switchback.Core.Routing;

namespace Switchback.Storage;

/// <summary>
/// What <see cref="IRegistryStore.SetRoutingStateAsync"/> did. <paramref name="State"/> is the state in force afterwards
/// (null when the deployment has none); <paramref name="Version"/> names the missing or archived version when refused.
/// </summary>
public sealed record RoutingSetOutcome(RoutingSetStatus Status, RoutingState? State, int? Version = null)
{
    /// <summary>The store's routing epoch after a <see cref="RoutingSetStatus.Set"/> (0 otherwise): replicas that applied it route by this change.</summary>
    public long Epoch { get; init; }
}
