namespace Switchback.Gateway.Health;

/// <summary>How a version's upstream looks right now.</summary>
public enum HealthState
{
    /// <summary>Nothing is known yet: never probed and no traffic.</summary>
    Unknown,

    /// <summary>The last probe or request succeeded and the breaker is closed.</summary>
    Healthy,

    /// <summary>Recent failures, but the breaker is not open (closed with failures, or half-open).</summary>
    Degraded,

    /// <summary>The breaker is open.</summary>
    Unhealthy,
}
