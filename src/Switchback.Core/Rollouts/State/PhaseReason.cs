namespace Switchback.Core.Rollouts;

/// <summary>Why the rollout is in its phase, for the phases that need a why.</summary>
public enum PhaseReason
{
    /// <summary>No particular reason: the plan is running.</summary>
    None,

    /// <summary>A <c>pause</c> step of the plan.</summary>
    PlanPause,

    /// <summary>An operator paused or aborted it.</summary>
    Operator,

    /// <summary>A soft guardrail breached.</summary>
    SoftBreach,

    /// <summary>A step reached its deadline without <c>min_requests</c>: no data is not good data.</summary>
    Inconclusive,

    /// <summary>A hard guardrail breached.</summary>
    HardBreach,

    /// <summary>The offline gate failed.</summary>
    GateFailed,
}
