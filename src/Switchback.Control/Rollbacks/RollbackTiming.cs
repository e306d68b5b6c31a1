using Switchback.Gateway.Routing;

namespace Switchback.Control.Rollbacks;

/// <summary>How fast one rollback took effect in this process.</summary>
/// <param name="At">When it was called.</param>
/// <param name="From">The stable version before.</param>
/// <param name="To">The target.</param>
/// <param name="Trigger">What caused it (<c>manual</c>, <c>abort</c> or a guardrail key).</param>
/// <param name="PropagationMs">From the switch to this gateway routing by the target (before the store write when the target is loaded).</param>
/// <param name="TotalMs">From the call to the gateway routing by it (checks included).</param>
/// <param name="FirstRequest">Completes with the time from the call to the first request routed to the target after the swap.</param>
internal sealed record RollbackTiming(DateTimeOffset At, int From, int To, string Trigger, double PropagationMs, double TotalMs, FirstServedWatch FirstRequest)
{
    /// <summary>From the call to the first request the target served; null while no request came.</summary>
    public double? FirstRequestMs => FirstRequest.ElapsedMs;

    /// <summary>Completes with how many live replicas applied it; null with one process.</summary>
    public Task<Fleet.FleetApplied>? Replicas { get; init; }

    /// <summary>The replicas' answer once known; null before, and with one process.</summary>
    public Fleet.FleetApplied? ReplicasApplied => Replicas is { IsCompletedSuccessfully: true } task ? task.Result : null;
}
