using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Signals;
using Switchback.Storage.Fleet;

namespace Switchback.Gateway.Fleet;

/// <summary>
/// Turns this process's signal rings into the rows a replica ships to the store (one per version and second with data), and
/// rows shipped by every replica back into one <see cref="SignalSnapshot"/> per version. Thread-safe: collecting reads the
/// rings the way <see cref="VersionSignals.Aggregate"/> does, lock-free; merging works on its own copies.
/// </summary>
public sealed class SignalShipment(SignalRegistry signals, ResponseLengthSignals lengths, Units.UnitTracker units)
{
    /// <summary>How many seconds back the rings reach: older seconds can no longer be shipped.</summary>
    public int Horizon => Math.Min(Smallest(signals), Smallest(lengths.Registry));

    /// <summary>
    /// The rows of Unix seconds [<paramref name="fromSecond"/>, <paramref name="toSecond"/>) that hold anything, and how many
    /// requests they count (for what a replica drops when it cannot ship them).
    /// </summary>
    public (IReadOnlyList<SignalWindowRow> Rows, long Requests) Collect(string replica, long fromSecond, long toSecond)
    {
        var rows = new List<SignalWindowRow>();
        long requests = 0;
        foreach (var deployment in signals.Deployments)
        {
            foreach (var version in signals.Versions(deployment))
            {
                var main = version.NewWindow();
                lengths.Registry.TryGet(deployment, version.Version, out var lengthSignals);
                var length = lengthSignals?.NewWindow();
                for (var second = fromSecond; second < toSecond; second++)
                {
                    var hasMain = version.TryCopySecond(second, main) && !IsEmpty(main);
                    var hasLength = length is not null && lengthSignals!.TryCopySecond(second, length) && length.Requests > 0;
                    if (!hasMain && !hasLength)
                    {
                        continue;
                    }

                    if (!hasMain)
                    {
                        main.Reset();
                    }

                    requests += main.Requests;
                    rows.Add(new SignalWindowRow(replica, deployment, version.Version, second,
                        SignalWindowCodec.Encode(main, version.CounterNames, hasLength ? length : null)));
                }
            }
        }

        return (rows, requests);
    }

    /// <summary>
    /// Merges the rows of one version into its signals over [<paramref name="from"/>, <paramref name="to"/>): the snapshot and
    /// the response-length sketch. Rows of other versions are ignored; a row that does not decode throws <see cref="FormatException"/>.
    /// </summary>
    public (SignalSnapshot Signals, LatencySketch Lengths) Merge(IEnumerable<SignalWindowRow> rows, string deployment, int version, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var template = signals.Get(deployment, version);
        var main = template.NewWindow();
        var length = new SignalWindow(ResponseLengthSignals.Layout, 0);
        foreach (var row in rows)
        {
            if (row.Version == version && string.Equals(row.Deployment, deployment, StringComparison.Ordinal))
            {
                SignalWindowCodec.AddTo(row.Payload, main, template.CounterNames, length);
            }
        }

        return (VersionSignals.ToSnapshot(deployment, version, template.CounterNames, main, from, to), length.Latency);
    }

    /// <summary>
    /// The rollouts' units that closed in [<paramref name="fromSecond"/>, <paramref name="toSecond"/>), as rows to ship. A unit
    /// without a key gets a random id of its own (even, so it never meets a key's hash, which is odd); a key's later unit has
    /// its hash mixed with the weight it was last seen at on the baseline (high bits only, so it stays odd), so replicas that
    /// formed the same unit still meet in the store and each of a key's units is kept once. An evaluation or feedback unit's
    /// hash is mixed with a constant of its <see cref="Units.UnitKind"/> too (even, so it stays odd), so a key's request,
    /// evaluation and feedback units are three rows, and the row says its kind.
    /// </summary>
    public IReadOnlyList<UnitRow> CollectUnits(string replica, long fromSecond, long toSecond)
    {
        var rows = new List<UnitRow>();
        foreach (var (deployment, salt, u) in units.AllClosed(fromSecond, toSecond))
        {
            var key = u.KeyHash != 0 ? unchecked((long)(u.KeyHash ^ ((ulong)(uint)u.PriorBps << 40) ^ KindMix(u.Kind))) : RandomEvenId();
            rows.Add(new UnitRow(salt, key, u.Second, replica, deployment, u.Version, u.Candidate, u.WeightBps, u.Failures,
                double.IsNaN(u.MaxLatencyMs) ? null : u.MaxLatencyMs, double.IsNaN(u.MaxTtftMs) ? null : u.MaxTtftMs, u.Requests) { PriorBps = u.PriorBps, Kind = (int)u.Kind });
        }

        return rows;
    }

    /// <summary>What a unit's key hash is mixed with for its stream: 0 for request units (rows shipped before streams existed).</summary>
    private static ulong KindMix(Units.UnitKind kind) => kind switch
    {
        Units.UnitKind.Requests => 0,
        Units.UnitKind.Evaluation => 0x9E37_79B9_7F4A_7C16,
        _ => 0xC2B2_AE3D_27D4_EB4E,
    };

    private static long RandomEvenId()
    {
        long id;
        do
        {
            id = BitConverter.ToInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)) & ~1L;
        }
        while (id == 0);
        return id;
    }

    /// <summary>A shipped unit as the controller reads it.</summary>
    public static Units.UnitRecord ToRecord(UnitRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Second, row.Version, row.Candidate, row.WeightBps, (byte)row.Failures, row.MaxLatencyMs ?? double.NaN, row.MaxTtftMs ?? double.NaN, row.Requests, unchecked((ulong)row.KeyHash), row.PriorBps,
            Enum.IsDefined((Units.UnitKind)row.Kind) ? (Units.UnitKind)row.Kind : throw new FormatException($"unit kind {row.Kind} is not known"));
    }

    private static bool IsEmpty(SignalWindow w)
        => w.Requests == 0 && w.FeedbackCount == 0 && w.TokensIn == 0 && w.TokensOut == 0 && Array.TrueForAll(w.Counters, c => c == 0);

    private static int Smallest(SignalRegistry registry)
    {
        var horizon = int.MaxValue;
        foreach (var deployment in registry.Deployments)
        {
            foreach (var version in registry.Versions(deployment))
            {
                horizon = Math.Min(horizon, version.WindowCount);
            }
        }

        return horizon == int.MaxValue ? SignalOptions.MaxWindowCount : horizon;
    }
}
