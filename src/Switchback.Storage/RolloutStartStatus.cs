namespace Switchback.Storage;

/// <summary>Result kinds of starting a rollout.</summary>
public enum RolloutStartStatus
{
    /// <summary>The rollout is stored and active.</summary>
    Started,

    /// <summary>Refused: the deployment already has an active rollout (one at a time).</summary>
    ActiveExists,

    /// <summary>Refused: the deployment or a version does not exist.</summary>
    NotFound,

    /// <summary>Refused: the candidate is archived.</summary>
    Archived,
}
