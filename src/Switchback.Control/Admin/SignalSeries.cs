using Switchback.Gateway.Fleet;
using Switchback.Gateway.Signals;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Admin;

/// <summary>
/// A deployment's signals per version in equal buckets of <see cref="StepSeconds"/>, aligned to multiples of the step in Unix
/// seconds (so successive polls see the same buckets), the last one ending at <see cref="Through"/> (exclusive) and possibly
/// partial. <see cref="Source"/> is <c>fleet</c> (every replica's shipped windows, up to the fleet's watermark) or
/// <c>replica</c> (the answering process's own rings). Immutable.
/// </summary>
internal sealed record SignalSeries(string Deployment, string Source, long StepSeconds, DateTimeOffset From, DateTimeOffset Through, IReadOnlyList<SignalSeriesVersion> Versions)
{
    /// <summary>The seconds [from, through) that <paramref name="points"/> aligned buckets ending at <paramref name="through"/> cover.</summary>
    public static (long From, long Through) Range(long through, long step, int points)
        => ((((through + step - 1) / step) - points) * step, through);

    /// <summary>The series from this process's rings; <paramref name="through"/> is the end second (exclusive), the current one included.</summary>
    public static SignalSeries FromRings(IReadOnlyList<VersionSignals> rings, long through, long step, int points)
    {
        var (from, _) = Range(through, step, points);
        var versions = rings
            .Select(ring => new SignalSeriesVersion(ring.Version, [.. Buckets(from, through, step, points).Select(b => SignalPoint.Of(b.Start, ring.Aggregate(Time(b.Start), Time(b.End))))]))
            .Where(v => v.HasData)
            .ToList();
        return new SignalSeries(string.Empty, "replica", step, Time(from), Time(through), versions);
    }

    /// <summary>The series from the windows every replica shipped (<paramref name="rows"/>, of seconds in [from, through)).</summary>
    public static SignalSeries FromRows(IReadOnlyList<SignalWindowRow> rows, SignalShipment shipment, string deployment, long from, long through, long step, int points)
    {
        var versions = rows
            .GroupBy(r => r.Version)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var byBucket = g.ToLookup(r => (r.Second - from) / step);
                return new SignalSeriesVersion(g.Key, [.. Buckets(from, through, step, points).Select((b, i) =>
                    SignalPoint.Of(b.Start, shipment.Merge(byBucket[i], deployment, g.Key, Time(b.Start), Time(b.End)).Signals))]);
            })
            .Where(v => v.HasData)
            .ToList();
        return new SignalSeries(deployment, "fleet", step, Time(from), Time(through), versions);
    }

    private static IEnumerable<(long Start, long End)> Buckets(long from, long through, long step, int points)
    {
        for (var i = 0; i < points; i++)
        {
            var start = from + (i * step);
            yield return (start, Math.Min(start + step, through));
        }
    }

    private static DateTimeOffset Time(long second) => DateTimeOffset.FromUnixTimeSeconds(second);
}

/// <summary>One version's buckets, oldest first.</summary>
internal sealed record SignalSeriesVersion(int Version, IReadOnlyList<SignalPoint> Points)
{
    /// <summary>Whether any bucket saw a request, feedback or an evaluator count.</summary>
    internal bool HasData => Points.Any(p => p.Requests > 0 || p.Feedback > 0 || p.Counters.Count > 0);
}

/// <summary>
/// One bucket of one version: <c>t</c> its first Unix second; counts; latency and time to first token in milliseconds (null
/// percentiles without samples); feedback; the evaluators' counters that are not zero.
/// </summary>
internal sealed record SignalPoint(
    long T,
    long Requests,
    long Errors,
    double ErrorRate,
    long Timeouts,
    LatencyPercentiles LatencyMs,
    LatencyPercentiles TimeToFirstTokenMs,
    long TokensIn,
    long TokensOut,
    long Feedback,
    long ThumbsDown,
    long Escalations,
    IReadOnlyDictionary<string, long> Counters)
{
    public static SignalPoint Of(long start, SignalSnapshot s) => new(
        start,
        s.Requests,
        s.Errors.Total,
        s.ErrorRate,
        s.Errors.Timeout,
        s.Latency,
        s.TimeToFirstToken,
        s.TokensIn,
        s.TokensOut,
        s.Feedback.Count,
        s.Feedback.ThumbsDown,
        s.Feedback.Escalations,
        s.Counters.Where(c => c.Value != 0).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal));
}
