using Switchback.Gateway.Signals;

namespace Switchback.Control.Admin;

/// <summary>One version's live signals as the admin API shows them (latencies in milliseconds).</summary>
internal sealed record SignalView(
    int Version,
    DateTimeOffset From,
    DateTimeOffset To,
    long Requests,
    ErrorCounts Errors,
    double ErrorRate,
    double TimeoutRate,
    long TokensIn,
    long TokensOut,
    LatencyPercentiles LatencyMs,
    LatencyPercentiles TimeToFirstTokenMs,
    FeedbackCounts Feedback,
    IReadOnlyDictionary<string, long> Counters)
{
    public static SignalView Of(SignalSnapshot s) => new(
        s.Version, s.From, s.To, s.Requests, s.Errors, s.ErrorRate, s.TimeoutRate, s.TokensIn, s.TokensOut, s.Latency, s.TimeToFirstToken, s.Feedback, s.Counters);
}
