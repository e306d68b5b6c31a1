namespace Switchback.Core.Rollouts;

/// <summary>Why an alert is sent.</summary>
public enum AlertKind
{
    /// <summary>A hard breach rolled the rollout back.</summary>
    Rollback,

    /// <summary>A soft breach paused it.</summary>
    Pause,

    /// <summary>A step ended without enough data; paused.</summary>
    Inconclusive,

    /// <summary>The candidate was promoted.</summary>
    Promotion,

    /// <summary>The offline gate failed.</summary>
    GateFailed,
}
