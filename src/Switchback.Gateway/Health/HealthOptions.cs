namespace Switchback.Gateway.Health;

/// <summary>Active probes and circuit breakers of the upstreams; validated at start-up.</summary>
public sealed class HealthOptions
{
    /// <summary>How often every routed version's upstream is probed, on the injected clock.</summary>
    /// <value>Default 5 s; more than zero.</value>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one probe may take before it counts as failed.</summary>
    /// <value>Default 2 s; more than zero.</value>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The path probed under an <c>openai</c> bundle's endpoint (<c>http</c> bundles are probed at the endpoint itself).</summary>
    /// <value>Default <c>/models</c>.</value>
    public string ProbePath { get; set; } = "/models";

    /// <summary>Consecutive failures (real traffic or probes) that open a version's breaker.</summary>
    /// <value>Default 5; at least 1.</value>
    public int FailureThreshold { get; set; } = 5;

    /// <summary>How long an open breaker stays open before it lets a trial through (half-open).</summary>
    /// <value>Default 10 s; zero or more.</value>
    public TimeSpan CoolDown { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (ProbeInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"the health probe interval must be more than zero, got {ProbeInterval}");
        }

        if (ProbeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"the health probe timeout must be more than zero, got {ProbeTimeout}");
        }

        if (string.IsNullOrEmpty(ProbePath) || ProbePath[0] != '/')
        {
            throw new ArgumentException($"the health probe path must start with '/', got '{ProbePath}'");
        }

        if (FailureThreshold < 1)
        {
            throw new ArgumentException($"the circuit breaker's failure threshold must be at least 1, got {FailureThreshold}");
        }

        if (CoolDown < TimeSpan.Zero)
        {
            throw new ArgumentException($"the circuit breaker's cool-down must not be negative, got {CoolDown}");
        }
    }
}
