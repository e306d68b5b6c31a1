using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Signals;

namespace Switchback.Control.Rollouts;

/// <summary>This process's own signal rings: complete up to the second under way, so the data never lags. Thread-safe.</summary>
internal sealed class LocalRolloutSignals(SignalRegistry signals, ResponseLengthSignals lengths, Gateway.Units.UnitTracker units) : IRolloutSignals
{
    public bool Lags => false;

    public Task<IntervalSignals?> ReadAsync(string deployment, IReadOnlyList<int> versions, string salt, DateTimeOffset from, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var end = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        if (end <= from)
        {
            return Task.FromResult<IntervalSignals?>(null);
        }

        var byVersion = new Dictionary<int, (SignalSnapshot, LatencySketch)>();
        foreach (var version in versions)
        {
            byVersion[version] = (signals.Get(deployment, version).Aggregate(from, end), lengths.Registry.Get(deployment, version).Aggregate(from, end).LatencySketch);
        }

        var closed = units.ClosedAllKinds(deployment, salt, (long)Math.Ceiling((from - DateTimeOffset.UnixEpoch).TotalSeconds), end.ToUnixTimeSeconds());
        return Task.FromResult<IntervalSignals?>(new IntervalSignals(end, byVersion) { Units = closed });
    }
}
