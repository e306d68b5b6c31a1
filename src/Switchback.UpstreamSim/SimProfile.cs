namespace Switchback.UpstreamSim;

/// <summary>A fault profile of the simulated upstream; each sets defaults that explicit options override.</summary>
public enum SimProfile
{
    /// <summary>Small latency (median 20 ms, p99 60 ms), no errors.</summary>
    Healthy,

    /// <summary>Shifted, heavy-tailed latency (median 60 ms, p99 480 ms), no errors.</summary>
    Slow,

    /// <summary>20 % of requests fail with 500/502/503 or, for one failure in ten, a connection reset.</summary>
    Flaky,

    /// <summary>Requests hang until the client gives up, or connections are refused; <c>/health</c> fails.</summary>
    Down,

    /// <summary>30 % of requests answer HTTP 507 naming "CUDA out of memory".</summary>
    Oom,

    /// <summary>Always 200 OK, but 30 % of answers are wrong, refusals, invalid JSON or unsafe content.</summary>
    SilentRegression,
}
