namespace Switchback.Storage;

/// <summary>What applying a monitor did.</summary>
public enum MonitorApplyStatus
{
    /// <summary>The deployment had no monitor; it has one now.</summary>
    Created,

    /// <summary>The monitor's spec changed; its detector starts afresh.</summary>
    Updated,

    /// <summary>The same spec was already stored.</summary>
    Unchanged,

    /// <summary>No such deployment; nothing stored.</summary>
    UnknownDeployment,
}
