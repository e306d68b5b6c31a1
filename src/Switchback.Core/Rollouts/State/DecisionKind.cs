namespace Switchback.Core.Rollouts;

/// <summary>What a recorded decision did.</summary>
public enum DecisionKind
{
    /// <summary>The offline gate was requested.</summary>
    GateRequested,

    /// <summary>The gate passed.</summary>
    GatePassed,

    /// <summary>The gate failed; the rollout was aborted.</summary>
    GateFailed,

    /// <summary>A step started (routing changed).</summary>
    StepStarted,

    /// <summary>Paused by the plan or an operator.</summary>
    Paused,

    /// <summary>Resumed by an operator.</summary>
    Resumed,

    /// <summary>An operator promoted past a pause.</summary>
    OperatorPromoted,

    /// <summary>A step ended without enough data.</summary>
    Inconclusive,

    /// <summary>A soft guardrail breached.</summary>
    SoftBreach,

    /// <summary>A hard guardrail breached; rolled back.</summary>
    RolledBack,

    /// <summary>The candidate became stable.</summary>
    Promoted,

    /// <summary>Aborted by an operator.</summary>
    Aborted,

    /// <summary>A shadow evaluation finished.</summary>
    Completed,
}
