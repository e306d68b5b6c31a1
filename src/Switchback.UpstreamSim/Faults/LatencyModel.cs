namespace Switchback.UpstreamSim.Faults;

/// <summary>
/// Log-normal latency fitted from a median and a p99: μ = ln(median), σ = (ln p99 − ln median) / z₀.₉₉.
/// A median of 0 means no delay at all (benchmarks).
/// </summary>
internal sealed record LatencyModel(double MedianMs, double P99Ms)
{
    private const double Z99 = 2.3263478740408408;

    private readonly double _mu = MedianMs > 0 ? Math.Log(MedianMs) : 0;
    private readonly double _sigma = MedianMs > 0 ? (Math.Log(P99Ms) - Math.Log(MedianMs)) / Z99 : 0;

    public bool IsZero => MedianMs == 0;

    public static LatencyModel Fit(double medianMs, double p99Ms) => new(medianMs, p99Ms);

    /// <summary>The latency for one standard-normal draw <paramref name="z"/>.</summary>
    public TimeSpan Sample(double z) => IsZero ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Exp(_mu + (_sigma * z)));
}
