namespace Switchback.Storage;

/// <summary>
/// Monitors (<c>kind: Monitor</c>, one per deployment) and their detector state, shared by every replica: the leader runs the
/// detectors and saves their state; any replica reads it for status. Thread-safe, safe from several processes.
/// </summary>
public interface IMonitorStore
{
    /// <summary>
    /// Stores a deployment's monitor (its spec as JSON), audited as <c>monitor.apply</c> with before and after. The same spec
    /// again changes nothing; a different one bumps the generation and clears the detector state, in the same transaction.
    /// </summary>
    Task<MonitorApplyStatus> ApplyMonitorAsync(string deployment, string specJson, AuditContext who, CancellationToken cancellationToken = default);

    /// <summary>Every monitor, by deployment.</summary>
    Task<IReadOnlyList<StoredMonitor>> ListMonitorsAsync(CancellationToken cancellationToken = default);

    /// <summary>A deployment's monitor, or null.</summary>
    Task<StoredMonitor?> GetMonitorAsync(string deployment, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves the detector state of generation <paramref name="generation"/> counted up to <paramref name="through"/> (unix seconds).
    /// False, and nothing written, when the monitor was re-applied since or a state counted as far or further is stored (another
    /// leader got there first): state only moves forward, so a deposed leader's late write cannot undo a newer one.
    /// </summary>
    Task<bool> SaveMonitorStateAsync(string deployment, long generation, string stateJson, long through, CancellationToken cancellationToken = default);
}
