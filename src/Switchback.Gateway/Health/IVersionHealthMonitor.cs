namespace Switchback.Gateway.Health;

/// <summary>
/// Per-version upstream health: active probes, passive failures from real traffic and a circuit breaker per
/// (deployment, version). The rollout controller uses <see cref="CheckNowAsync"/> to refuse a rollback target that is
/// not warm. Thread-safe.
/// </summary>
public interface IVersionHealthMonitor
{
    /// <summary>The version's health as last observed (state <see cref="HealthState.Unknown"/> when nothing is known yet).</summary>
    VersionHealth GetHealth(string deployment, int version);

    /// <summary>
    /// Probes the version now and sends one synthetic chat request through the full bundle path (templates, serving
    /// defaults, model name, credential); both feed the breaker. The result is <see cref="HealthState.Unhealthy"/> when either
    /// just failed, even before the breaker opens. Null when the version does not exist or is archived.
    /// </summary>
    Task<VersionHealth?> CheckNowAsync(string deployment, int version, CancellationToken cancellationToken = default);
}
