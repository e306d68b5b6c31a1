namespace Switchback.Control.Rollbacks;

/// <summary>A rollback to perform.</summary>
/// <param name="Deployment">The deployment.</param>
/// <param name="To">The target version; null for the default (the rollout's stable, else the previous stable).</param>
/// <param name="Reason">Why, for the audit log.</param>
/// <param name="Force">Skip the health check and the rollback-window check.</param>
/// <param name="Trigger">What caused it: <c>manual</c>, <c>abort</c> or a guardrail key such as <c>error_rate:compare</c>.</param>
/// <param name="Actor">Who, for the audit log.</param>
/// <param name="Fence">The leader's fence when the controller rolls back (its writes are refused once another replica leads).</param>
internal sealed record RollbackRequest(string Deployment, int? To, string Reason, bool Force, string Trigger, string Actor, Storage.Fleet.LeaderFence? Fence = null);
