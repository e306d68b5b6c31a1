namespace Switchback.UpstreamSim;

/// <summary>
/// How a simulated upstream behaves. Unset (null) rates and latencies take the <see cref="Profile"/>'s default;
/// see docs/upstream-sim.md for the table of defaults.
/// </summary>
public sealed record UpstreamSimOptions
{
    /// <summary>Address to listen on.</summary>
    /// <value>An <c>http://</c> URL with an IP address or <c>localhost</c>; port 0 picks a free port. Default <c>http://127.0.0.1:9001</c>.</value>
    public string Listen { get; init; } = "http://127.0.0.1:9001";

    /// <summary>The fault profile.</summary>
    /// <value>Default <see cref="SimProfile.Healthy"/>.</value>
    public SimProfile Profile { get; init; } = SimProfile.Healthy;

    /// <summary>Seed of every random choice; the same seed and requests give the same answers and outcomes.</summary>
    /// <value>Default 1.</value>
    public int Seed { get; init; } = 1;

    /// <summary>Fraction of requests that fail with 500/502/503 or a connection reset.</summary>
    /// <value>0..1; default 0.2 for <see cref="SimProfile.Flaky"/>, else 0.</value>
    public double? ErrorRate { get; init; }

    /// <summary>Share of injected failures that are connection resets rather than HTTP errors.</summary>
    /// <value>0..1; default 0.1.</value>
    public double? ResetShare { get; init; }

    /// <summary>Median latency before the first byte, in milliseconds; 0 means no delay at all.</summary>
    /// <value>≥ 0; default 20 (60 for <see cref="SimProfile.Slow"/>).</value>
    public double? LatencyMs { get; init; }

    /// <summary>99th-percentile latency in milliseconds; latency is log-normal fitted from the median and this.</summary>
    /// <value>≥ <see cref="LatencyMs"/>; default 3 × median (8 × median for <see cref="SimProfile.Slow"/>).</value>
    public double? LatencyP99Ms { get; init; }

    /// <summary>Delay between streamed chunks, in milliseconds.</summary>
    /// <value>≥ 0; default a tenth of the median latency.</value>
    public double? InterTokenLatencyMs { get; init; }

    /// <summary>Fraction of requests answered with HTTP 507 "CUDA out of memory".</summary>
    /// <value>0..1; default 0.3 for <see cref="SimProfile.Oom"/>, else 0. With <see cref="ErrorRate"/> at most 1.</value>
    public double? OomRate { get; init; }

    /// <summary>Fraction of 200 answers that are silently bad (wrong, refusal, invalid JSON, unsafe content).</summary>
    /// <value>0..1; default 0.3 for <see cref="SimProfile.SilentRegression"/>, else 0.</value>
    public double? RegressionRate { get; init; }

    /// <summary>How the <see cref="SimProfile.Down"/> profile fails.</summary>
    /// <value>Default <see cref="UpstreamSim.DownMode.Hang"/>.</value>
    public DownMode DownMode { get; init; } = DownMode.Hang;

    /// <summary>Model id listed by <c>GET /v1/models</c>.</summary>
    /// <value>Default <c>sim-model</c>.</value>
    public string ModelName { get; init; } = "sim-model";

    /// <summary>
    /// How many of the latest inference request bodies to keep, as they arrived, for <see cref="UpstreamSimulator.Received"/>:
    /// in-process tests read what a gateway really sent upstream, streamed requests included. Not a CLI flag.
    /// </summary>
    /// <value>0..10000; default 0 (nothing kept, no copy made).</value>
    public int RecordRequests { get; init; }

    /// <summary>Every problem with these options, as messages naming the CLI flag; empty when valid.</summary>
    public IReadOnlyList<string> Validate() => Faults.SimSettings.Validate(this);
}
