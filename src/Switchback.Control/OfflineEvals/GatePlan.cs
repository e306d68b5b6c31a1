using Switchback.Core.OfflineEvals;
using Switchback.Core.Rollouts;

namespace Switchback.Control.OfflineEvals;

/// <summary>The pure part of a gate: whether stable must be measured, and the result fed to the decider.</summary>
public static class GatePlan
{
    /// <summary>Stable is evaluated only when the gate limits the drop against it and it is another version.</summary>
    public static bool NeedsStable(GateSpec gate, int candidate, int? stable)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return gate.MaxDropVsStable is not null && stable is { } s && s != candidate;
    }

    /// <summary>The gate's score is a report's mean score over every case (failed calls count as 0).</summary>
    public static GateResult Result(EvalReport candidate, EvalReport? stable)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return new GateResult(candidate.Aggregate.MeanScore, stable?.Aggregate.MeanScore);
    }
}
