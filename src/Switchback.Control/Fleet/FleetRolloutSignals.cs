using Switchback.Control.Rollouts;
using Switchback.Gateway.Fleet;
using Switchback.Gateway.Signals;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Fleet;

/// <summary>
/// The fleet's signals for the controller (docs/fleet.md "decisions on all the traffic"): what every replica shipped to the
/// store, merged. An interval ends at the fleet's watermark — the oldest <see cref="ReplicaRecord.SignalsThrough"/> of the live
/// replicas — so a second is judged only once every live replica has delivered it: a late batch holds the interval back rather
/// than being dropped or counted twice. A replica that stops reporting is marked lost by the leader (the fleet housekeeper)
/// after <see cref="FleetOptions.ReplicaTimeout"/> and then no longer waited for. Thread-safe.
/// </summary>
internal sealed class FleetRolloutSignals(IFleetStore store, SignalShipment shipment) : IRolloutSignals
{
    public bool Lags => true;

    /// <summary>The second every live replica has shipped up to (exclusive), capped at <paramref name="now"/>'s second.</summary>
    public static long Watermark(IEnumerable<ReplicaRecord> replicas, DateTimeOffset now)
    {
        var watermark = now.ToUnixTimeSeconds();
        foreach (var replica in replicas)
        {
            if (replica.State == ReplicaState.Live)
            {
                watermark = Math.Min(watermark, replica.SignalsThrough);
            }
        }

        return watermark;
    }

    public async Task<IntervalSignals?> ReadAsync(string deployment, IReadOnlyList<int> versions, string salt, DateTimeOffset from, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var end = Watermark(await store.ListReplicasAsync(cancellationToken), now);
        var fromSecond = (long)Math.Ceiling((from - DateTimeOffset.UnixEpoch).TotalSeconds);
        if (end <= fromSecond)
        {
            return null;
        }

        var rows = await store.ReadSignalWindowsAsync(deployment, fromSecond, end, cancellationToken);
        var endTime = DateTimeOffset.FromUnixTimeSeconds(end);
        var byVersion = new Dictionary<int, (SignalSnapshot, LatencySketch)>();
        foreach (var version in versions)
        {
            byVersion[version] = shipment.Merge(rows, deployment, version, from, endTime);
        }

        var units = await store.ReadUnitsAsync(salt, fromSecond, end, cancellationToken);
        // A stream this process does not know (shipped by a newer replica) is left out rather than failing the tick.
        return new IntervalSignals(endTime, byVersion)
        {
            Units = [.. units.Where(u => u.Deployment == deployment && Enum.IsDefined((Gateway.Units.UnitKind)u.Kind)).Select(SignalShipment.ToRecord)],
        };
    }
}
