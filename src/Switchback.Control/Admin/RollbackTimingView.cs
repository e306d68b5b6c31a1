using Switchback.Control.Rollbacks;

namespace Switchback.Control.Admin;

/// <summary>The JSON of a rollback's timings: <c>last_rollback</c> in a rollout status and <c>GET /deployments/{d}/rollback</c>.</summary>
internal sealed record RollbackTimingView(DateTimeOffset At, int From, int To, string Trigger, double PropagationMs, double TotalMs, double? FirstRequestMs, Fleet.FleetApplied? Replicas, string? Fleet)
{
    public static RollbackTimingView Of(RollbackTiming t)
        => new(t.At, t.From, t.To, t.Trigger, t.PropagationMs, t.TotalMs, t.FirstRequestMs, t.ReplicasApplied, t.ReplicasApplied?.Describe());
}
