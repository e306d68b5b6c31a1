namespace Switchback.Core.Rollouts;

/// <summary>Where a rollout is. <see cref="Promoted"/>, <see cref="RolledBack"/>, <see cref="Aborted"/> and <see cref="Completed"/> are final.</summary>
public enum RolloutPhase
{
    /// <summary>Created, nothing done yet.</summary>
    Pending,

    /// <summary>Waiting for the offline gate's result; no user traffic.</summary>
    Gating,

    /// <summary>The candidate receives mirrored traffic only.</summary>
    Shadowing,

    /// <summary>The candidate serves a share of users (or, for a key preview, pinned requests only).</summary>
    Progressing,

    /// <summary>Held: by a pause step, an operator, a soft breach or an inconclusive step (see <see cref="PhaseReason"/>).</summary>
    Paused,

    /// <summary>Final: the candidate is the new stable.</summary>
    Promoted,

    /// <summary>Final: a hard guardrail breached; traffic went back to stable.</summary>
    RolledBack,

    /// <summary>Final: stopped by an operator or a failed gate.</summary>
    Aborted,

    /// <summary>Final: a shadow-only evaluation finished without a breach; nothing was promoted.</summary>
    Completed,
}
