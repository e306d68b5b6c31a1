namespace Switchback.Control.Rollouts;

/// <summary>Result kinds of starting a rollout.</summary>
internal enum RolloutStartResultStatus
{
    /// <summary>Started; routing is at its first step.</summary>
    Started,

    /// <summary>Refused: another rollout of the deployment is active.</summary>
    ActiveExists,

    /// <summary>Refused: no such deployment or version.</summary>
    NotFound,

    /// <summary>Refused: the request does not make sense (candidate is stable, archived, a gate…).</summary>
    Invalid,
}
