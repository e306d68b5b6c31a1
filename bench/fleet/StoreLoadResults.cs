using System.Text.Json.Nodes;

namespace Switchback.Bench.Fleet;

/// <summary>
/// Which replica led; the measured window: its length, the whole seconds of signal_windows it covers, the replicas'
/// statements, the database's commits (the monitor's own taken out: in all, and each second's increase) and
/// rollbacks, autovacuum runs, rows and bytes per replica (by start order), lag samples, how the canary stood, the requests
/// answered per second within the window, and the whole traffic (warm-up included).
/// </summary>
internal sealed record StoreLoadResults(
    int Leader,
    TimeSpan Window,
    long WindowSeconds,
    IReadOnlyList<StatementStats> Statements,
    long ReplicaCommits,
    long ReplicaRollbacks,
    IReadOnlyList<double> CommitSteps,
    long AutovacuumRuns,
    long MonitorTransactions,
    IReadOnlyList<(int Replica, long Rows, long PayloadBytes)> SignalWindows,
    IReadOnlyList<(int Replica, long LagSeconds, JsonObject Stats)> Lag,
    string CanaryPhase,
    double WindowRate,
    LoadResult Traffic)
{
    /// <summary>Rows in <c>rollout_units</c> for the seconds of the window, all replicas (one per key and rollout).</summary>
    public long UnitRows { get; init; }
}
