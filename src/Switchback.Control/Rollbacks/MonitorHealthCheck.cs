using Switchback.Gateway.Health;

namespace Switchback.Control.Rollbacks;

/// <summary>
/// The gateway's health check of a version: an active probe plus one synthetic request through the full bundle path
/// (<see cref="IVersionHealthMonitor.CheckNowAsync"/>). Healthy means state <see cref="HealthState.Healthy"/>.
/// </summary>
internal sealed class MonitorHealthCheck(IVersionHealthMonitor monitor) : ITargetHealthCheck
{
    public async Task<string?> ProblemAsync(string deployment, int version, CancellationToken cancellationToken)
    {
        var health = await monitor.CheckNowAsync(deployment, version, cancellationToken);
        if (health is null)
        {
            return $"{deployment}@{version} does not exist or is archived";
        }

        return health.State == HealthState.Healthy
            ? null
            : $"{deployment}@{version} is {health.State.ToString().ToLowerInvariant()}: "
              + (health.LastCheckError ?? health.LastProbeError ?? $"check status {health.LastCheckStatus}, probe status {health.LastProbeStatus}");
    }
}
