using Switchback.Gateway.Signals;

namespace Switchback.Control.Rollouts;

/// <summary>
/// Where the controller reads signals: "the signals of these two versions since second C". One process reads its own rings
/// (<see cref="LocalRolloutSignals"/>); a fleet reads what every replica shipped to the store (<c>Fleet.FleetRolloutSignals</c>).
/// </summary>
internal interface IRolloutSignals
{
    /// <summary>
    /// Whether the data lags the clock (a fleet's shipped windows): then the controller decides on the data's time, so a step's
    /// deadline never passes on data that has not arrived.
    /// </summary>
    bool Lags { get; }

    /// <summary>
    /// The signals of <paramref name="versions"/> over [<paramref name="from"/>, end), where end is the last whole second every
    /// source has fully delivered (at most <paramref name="now"/>'s second), and the units of rollout <paramref name="salt"/>
    /// that closed in it (each key once, whichever replica formed it); null when end is not after <paramref name="from"/>.
    /// </summary>
    Task<IntervalSignals?> ReadAsync(string deployment, IReadOnlyList<int> versions, string salt, DateTimeOffset from, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>One interval's signals per version (the main snapshot and the response-length sketch) and the rollout's units.</summary>
internal sealed record IntervalSignals(DateTimeOffset End, IReadOnlyDictionary<int, (SignalSnapshot Signals, LatencySketch Lengths)> Versions)
{
    /// <summary>The units that closed in the interval.</summary>
    public IReadOnlyList<Gateway.Units.UnitRecord> Units { get; init; } = [];
}
