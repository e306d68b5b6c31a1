using Switchback.Gateway.Signals;

namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>
/// Per-version distributions of evaluated responses' lengths in characters, in the same one-second windows as the
/// other signals: a second <see cref="SignalRegistry"/> whose sketch holds lengths where the main one holds latencies
/// (1 .. 16 Mi characters, relative accuracy 2 %; an empty answer is clamped to 1). Its request count is the number of
/// evaluated responses. Thread-safe and lock-free like the registry it wraps.
/// </summary>
public sealed class ResponseLengthSignals
{
    /// <summary>The sketch layout of response lengths.</summary>
    public static readonly SketchLayout Layout = new(0.02, 1, 16 * 1024 * 1024);

    /// <summary>A registry on <paramref name="time"/> keeping <paramref name="windowCount"/> one-second windows per version.</summary>
    public ResponseLengthSignals(TimeProvider time, int windowCount = 3_600)
        => Registry = new SignalRegistry(time, new SignalOptions { WindowCount = windowCount, Latency = Layout });

    /// <summary>The underlying registry: <c>Aggregate(from, to).LatencySketch</c> is the length distribution.</summary>
    public SignalRegistry Registry { get; }

    /// <summary>Records one evaluated response's length.</summary>
    public void Record(string deployment, int version, int length)
        => Registry.Get(deployment, version).Record(new RequestSample(Math.Max(1, length), RequestOutcome.Ok, 0, 0));
}
