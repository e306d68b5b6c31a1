namespace Switchback.Gateway.Health;

/// <summary>One version's breaker and last results. Thread-safe: results are immutable records swapped with volatile writes.</summary>
internal sealed class HealthEntry(HealthOptions options, TimeProvider time)
{
    private volatile ProbeResult? lastProbe;
    private volatile ProbeResult? lastCheck;
    private volatile bool trafficSeen;

    public CircuitBreaker Breaker { get; } = new(options, time);

    public void Observe(bool ok)
    {
        if (!trafficSeen)
        {
            trafficSeen = true;
        }

        if (ok)
        {
            Breaker.RecordSuccess();
        }
        else
        {
            Breaker.RecordFailure();
        }
    }

    public void Probed(ProbeResult result)
    {
        lastProbe = result;
        Observe(result.Ok);
    }

    public void Checked(ProbeResult result)
    {
        lastCheck = result;
        Observe(result.Ok);
    }

    public VersionHealth ToHealth(string deployment, int version, Uri? endpoint)
    {
        var breaker = Breaker.State;
        var failures = Breaker.ConsecutiveFailures;
        var probe = lastProbe;
        var check = lastCheck;
        var state = breaker switch
        {
            BreakerState.Open => HealthState.Unhealthy,
            BreakerState.HalfOpen => HealthState.Degraded,
            _ when failures > 0 => HealthState.Degraded,
            _ when probe is not null || check is not null || trafficSeen => HealthState.Healthy,
            _ => HealthState.Unknown,
        };
        return new VersionHealth(
            deployment, version, endpoint, state, probe?.At, probe?.LatencyMs, probe?.Status, probe?.Error, breaker, failures,
            check?.At, check?.Status, check?.Error);
    }
}
