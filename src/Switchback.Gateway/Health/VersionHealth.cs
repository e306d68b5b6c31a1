namespace Switchback.Gateway.Health;

/// <summary>
/// One version's health as this gateway sees it: the last active probe, the last synthetic request of
/// <see cref="IVersionHealthMonitor.CheckNowAsync"/>, and the circuit breaker fed by probes and real traffic.
/// </summary>
/// <param name="Deployment">The deployment.</param>
/// <param name="Version">The version.</param>
/// <param name="Endpoint">The bundle's upstream endpoint; null when the bundle is not loaded.</param>
/// <param name="State">Overall state (see <see cref="HealthState"/>).</param>
/// <param name="LastProbeAt">When the last probe finished; null if never probed.</param>
/// <param name="LastProbeLatencyMs">How long the last probe took.</param>
/// <param name="LastProbeStatus">The HTTP status of the last probe; null when it got none (connect error, timeout).</param>
/// <param name="LastProbeError">Why the last probe failed; null when it succeeded.</param>
/// <param name="Breaker">The circuit breaker's state.</param>
/// <param name="ConsecutiveFailures">Failures in a row since the last success.</param>
/// <param name="LastCheckAt">When the last synthetic request (health check) finished; null if none ran.</param>
/// <param name="LastCheckStatus">Its HTTP status; null when it got none.</param>
/// <param name="LastCheckError">Why it failed; null when it succeeded.</param>
public sealed record VersionHealth(
    string Deployment,
    int Version,
    Uri? Endpoint,
    HealthState State,
    DateTimeOffset? LastProbeAt,
    double? LastProbeLatencyMs,
    int? LastProbeStatus,
    string? LastProbeError,
    BreakerState Breaker,
    int ConsecutiveFailures,
    DateTimeOffset? LastCheckAt = null,
    int? LastCheckStatus = null,
    string? LastCheckError = null)
{
    /// <summary>Whether the version can take traffic now (healthy, or degraded but not open): what a rollback target needs.</summary>
    public bool IsServing => State is HealthState.Healthy or HealthState.Degraded;
}
