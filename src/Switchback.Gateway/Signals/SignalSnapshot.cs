namespace Switchback.Gateway.Signals;

/// <summary>
/// One version's signals aggregated over [<see cref="From"/>, <see cref="To"/>): what the admin API shows and the
/// rollout controller decides on. The sketches are private copies owned by the snapshot, mergeable across replicas.
/// </summary>
public sealed record SignalSnapshot(
    string Deployment,
    int Version,
    DateTimeOffset From,
    DateTimeOffset To,
    long Requests,
    ErrorCounts Errors,
    long TokensIn,
    long TokensOut,
    LatencyPercentiles Latency,
    LatencyPercentiles TimeToFirstToken,
    FeedbackCounts Feedback,
    IReadOnlyDictionary<string, long> Counters,
    LatencySketch LatencySketch,
    LatencySketch TimeToFirstTokenSketch)
{
    /// <summary>Failed requests (any class) per request; 0 without requests.</summary>
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors.Total / Requests;

    /// <summary>Timed-out requests per request; 0 without requests.</summary>
    public double TimeoutRate => Requests == 0 ? 0 : (double)Errors.Timeout / Requests;
}
