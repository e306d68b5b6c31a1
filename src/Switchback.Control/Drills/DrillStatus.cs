namespace Switchback.Control.Drills;

/// <summary>How a drill ended.</summary>
internal enum DrillStatus
{
    /// <summary>Every step succeeded (and routing was restored).</summary>
    Passed,

    /// <summary>A step failed; the findings say which and why.</summary>
    Failed,

    /// <summary>No such deployment; nothing ran or was recorded.</summary>
    NotFound,

    /// <summary>Refused: a rollout is active and this was not a dry run; nothing ran or was recorded.</summary>
    RolloutActive,
}
