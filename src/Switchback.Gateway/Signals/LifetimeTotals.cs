namespace Switchback.Gateway.Signals;

/// <summary>
/// One version's request totals since start: a count per <see cref="RequestOutcome"/> and a fixed-bucket latency
/// histogram of successful requests. Monotonic, as Prometheus counters must be (the windowed rings are not). Thread-safe:
/// recording is three interlocked adds and a short scan of the bucket bounds.
/// </summary>
public sealed class LifetimeTotals
{
    /// <summary>Upper bounds of the latency buckets in seconds (Prometheus <c>le</c>); +Inf is implicit.</summary>
    public static IReadOnlyList<double> BucketBoundsSeconds { get; } = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private readonly long[] _outcomes = new long[(int)RequestOutcome.Oom + 1];
    private readonly long[] _buckets = new long[BucketBoundsSeconds.Count + 1];
    private long _latencyMicros;

    /// <summary>Requests that ended with <paramref name="outcome"/>.</summary>
    public long Count(RequestOutcome outcome) => Volatile.Read(ref _outcomes[(int)outcome]);

    /// <summary>Cumulative counts per bucket (the last is +Inf, i.e. every successful request), as Prometheus expects.</summary>
    public long[] CumulativeBuckets()
    {
        var result = new long[_buckets.Length];
        long running = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            running += Volatile.Read(ref _buckets[i]);
            result[i] = running;
        }

        return result;
    }

    /// <summary>The sum of successful requests' latencies in seconds.</summary>
    public double LatencySumSeconds => Volatile.Read(ref _latencyMicros) / 1_000_000.0;

    internal void Record(in RequestSample sample)
    {
        Interlocked.Increment(ref _outcomes[(int)sample.Outcome]);
        if (sample.Outcome != RequestOutcome.Ok)
        {
            return;
        }

        var seconds = sample.LatencyMs / 1000;
        var bucket = 0;
        while (bucket < BucketBoundsSeconds.Count && seconds > BucketBoundsSeconds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Add(ref _latencyMicros, (long)Math.Round(sample.LatencyMs * 1000));
    }
}
