using Switchback.Core.Routing;

namespace Switchback.Control.Rollbacks;

/// <summary>What a rollback did and how long the switch took.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Message">One sentence for people.</param>
/// <param name="From">The version stable was before.</param>
/// <param name="To">The target.</param>
/// <param name="FastPath">The target served within the rollback window, so it took 100 % at once.</param>
/// <param name="PropagationMs">From the switch to this process's gateway routing by the target, in milliseconds (the store's write follows when the target is loaded).</param>
/// <param name="TotalMs">From the call to its end (checks included), in milliseconds.</param>
/// <param name="Routing">The routing in force afterwards.</param>
/// <param name="AbortedRollout">The id of the active rollout the rollback ended, if any.</param>
/// <param name="Health">What the health check said, when it ran.</param>
internal sealed record RollbackResult(
    RollbackStatus Status,
    string Message,
    int? From = null,
    int? To = null,
    bool FastPath = false,
    double PropagationMs = 0,
    double TotalMs = 0,
    RoutingState? Routing = null,
    string? AbortedRollout = null,
    string? Health = null)
{
    /// <summary>Completes with how many live replicas applied the new routing (a fleet's store); null with one process or no change.</summary>
    public Task<Fleet.FleetApplied>? Replicas { get; init; }
}
