namespace Switchback.Gateway.Signals;

/// <summary>Percentiles of a latency sketch in milliseconds; null when there was no sample (no data is not good data).</summary>
public sealed record LatencyPercentiles(long Count, double? P50, double? P95, double? P99)
{
    /// <summary>Reads p50, p95 and p99 from <paramref name="sketch"/>.</summary>
    public static LatencyPercentiles From(LatencySketch? sketch)
        => sketch is null || sketch.Count == 0
            ? new LatencyPercentiles(0, null, null, null)
            : new LatencyPercentiles(sketch.Count, sketch.Quantile(0.50), sketch.Quantile(0.95), sketch.Quantile(0.99));
}
