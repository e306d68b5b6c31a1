namespace Switchback.Gateway.Health;

/// <summary>A version's circuit breaker.</summary>
public enum BreakerState
{
    /// <summary>Requests flow.</summary>
    Closed,

    /// <summary>Too many consecutive failures: a candidate's requests go to stable until the cool-down ends.</summary>
    Open,

    /// <summary>The cool-down ended: requests flow again; the next success closes the breaker, the next failure re-opens it.</summary>
    HalfOpen,
}
