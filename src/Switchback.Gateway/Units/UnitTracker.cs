using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Units;

/// <summary>
/// Forms the units a rollout's evidence is built from (docs/statistics.md "the randomised unit"): with sticky routing the
/// unit is the key, since a key's requests all go to one arm. A key gives one unit per weight while its arm is still unknown:
/// its first <see cref="UnitOptions.RequestsPerUnit"/> requests at that weight, closed once that many completed, when
/// <see cref="UnitOptions.Window"/> has passed since its first, or when the weight changes (whichever comes first; none of these
/// depends on the arm). A key seen on the candidate never forms another unit in the rollout (its arm is known); a key seen only
/// on the baseline forms a new one when the weight has risen, since its bucket is then the candidate's with probability
/// (w − w₀)/(1 − w₀) whatever its past (<see cref="UnitRecord.PriorBps"/>). A request without a key is its own unit, closed at
/// once. Heavy users, clients that fail whatever the version, and retries (which carry their key) thus weigh as one unit each
/// per step. Thread-safe: units are small objects guarded by their own lock; sets and rings are concurrent collections.
/// </summary>
/// <remarks>
/// Besides request units, the tracker keeps two more streams with the same rule, each with its own record of what it learnt
/// about a key (<see cref="UnitKind"/>): a key's first evaluated answer per weight (<see cref="RecordEvaluation"/>) and its
/// first feedback per weight (<see cref="RecordFeedback"/>). Such a unit is one answer or one vote, so it closes at once.
/// Everything is in this process's memory: with three replicas, when one dies its units not yet shipped are lost for both arms
/// alike (no bias, less evidence), and a key it had marked done may form a unit at another replica, which the store keeps only
/// if no replica shipped that key's unit for the same weight history before (one row per rollout, kind, key and w₀).
/// </remarks>
public sealed class UnitTracker
{
    private readonly ConcurrentDictionary<(string Deployment, string Salt, UnitKind Kind), RolloutUnits> rollouts = new();
    private readonly TimeProvider time;
    private readonly UnitOptions options;

    /// <summary>Creates a tracker; <paramref name="options"/> is validated here.</summary>
    public UnitTracker(TimeProvider time, IOptions<UnitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(time);
        this.time = time;
        this.options = options?.Value ?? new UnitOptions();
        this.options.Validate();
    }

    /// <summary>The settings in force.</summary>
    public UnitOptions Options => options;

    /// <summary>Adds one completed request of the arm its key was assigned to.</summary>
    internal void Record(in UnitTicket ticket, in RequestSample sample)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var units = rollouts.GetOrAdd((ticket.Deployment, ticket.Salt, UnitKind.Requests), static _ => new RolloutUnits());
        if (ticket.KeyHash == 0)
        {
            // No key: the request was assigned at random on its own, so it is its own unit.
            var single = new OpenUnit(ticket, now, 0);
            single.Add(sample);
            units.Emit(single.Close(now));
            return;
        }

        if (!units.Open.TryGetValue(ticket.KeyHash, out var unit))
        {
            var prior = 0;
            if (units.Done.TryGetValue(ticket.KeyHash, out var seen))
            {
                // Seen on the candidate (KnownCandidate), or on the baseline at this weight or above: its arm is known.
                if (seen == KnownCandidate || ticket.WeightBps <= seen)
                {
                    return;
                }

                prior = seen;
            }
            else if (units.Open.Count + units.Done.Count >= options.MaxKeysPerRollout)
            {
                Interlocked.Increment(ref units.Untracked);
                return;
            }

            unit = units.Open.GetOrAdd(ticket.KeyHash, static (_, s) => new OpenUnit(s.Ticket, s.Now, s.Prior), (Ticket: ticket, Now: now, Prior: prior));
        }

        UnitRecord? closed;
        lock (unit)
        {
            if (unit.IsClosed)
            {
                return;
            }

            // A unit this request just opened may be late: between its misses on Open and Done above, another request of the key
            // may have filled and closed the key's unit (Finish marks Done before it leaves Open). Done decides, as it would have.
            if (unit.Requests == 0 && units.Done.TryGetValue(ticket.KeyHash, out var done) && (done == KnownCandidate || ticket.WeightBps <= done))
            {
                unit.Close(now);
                units.Open.TryRemove(new KeyValuePair<ulong, OpenUnit>(ticket.KeyHash, unit));
                return;
            }

            if (unit.WeightBps != ticket.WeightBps || unit.Version != ticket.Version)
            {
                // The step changed under the unit: it ends here; this request may begin the key's unit of the new step.
                closed = unit.Close(now);
                Finish(units, ticket.KeyHash, closed.Value);
                Record(ticket, sample);
                return;
            }
            else
            {
                unit.Add(sample);
                closed = unit.Requests >= options.RequestsPerUnit ? unit.Close(now) : null;
            }
        }

        if (closed is { } record)
        {
            Finish(units, ticket.KeyHash, record);
        }
    }

    /// <summary>
    /// Adds one evaluated answer of a request whose routing made <paramref name="ticket"/>: the key's first evaluated answer per
    /// weight, while its arm is still unknown to this stream, is its evaluation unit; a request without a key is its own.
    /// </summary>
    internal void RecordEvaluation(in UnitTicket ticket, UnitFlags flags) => RecordSingle(ticket, flags, UnitKind.Evaluation);

    /// <summary>Adds one feedback on a request whose routing made <paramref name="ticket"/>: the key's first feedback per weight is its unit.</summary>
    internal void RecordFeedback(in UnitTicket ticket, UnitFlags flags) => RecordSingle(ticket, flags, UnitKind.Feedback);

    /// <summary>
    /// A unit of one answer or vote: the same rule as request units (a key seen on the candidate never again; one seen on the
    /// baseline at w₀ again only at a weight above w₀), claimed atomically so two workers never form two units of one key.
    /// </summary>
    private void RecordSingle(in UnitTicket ticket, UnitFlags flags, UnitKind kind)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var units = rollouts.GetOrAdd((ticket.Deployment, ticket.Salt, kind), static _ => new RolloutUnits());
        var prior = 0;
        if (ticket.KeyHash != 0)
        {
            var mark = ticket.Candidate ? KnownCandidate : ticket.WeightBps;
            while (true)
            {
                if (units.Done.TryGetValue(ticket.KeyHash, out var seen))
                {
                    if (seen == KnownCandidate || ticket.WeightBps <= seen)
                    {
                        return;
                    }

                    if (units.Done.TryUpdate(ticket.KeyHash, mark, seen))
                    {
                        prior = seen;
                        break;
                    }
                }
                else if (units.Done.Count >= options.MaxKeysPerRollout)
                {
                    Interlocked.Increment(ref units.Untracked);
                    return;
                }
                else if (units.Done.TryAdd(ticket.KeyHash, mark))
                {
                    break;
                }
            }
        }

        units.Emit(new UnitRecord(now, ticket.Version, ticket.Candidate, ticket.WeightBps, (byte)flags, double.NaN, double.NaN, 1, ticket.KeyHash, prior, kind));
    }

    /// <summary>
    /// Closes units open longer than the window or whose deployment's weight is no longer <paramref name="weights"/>' (the
    /// step changed), and forgets rollouts no longer routed once their units are older than the horizon. Runs every second.
    /// </summary>
    public void Sweep(Func<string, (string? Salt, int WeightBps)> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var nowTime = time.GetUtcNow();
        var now = nowTime.ToUnixTimeSeconds();
        var windowSeconds = (long)Math.Ceiling(options.Window.TotalSeconds);
        foreach (var ((deployment, salt, kind), units) in rollouts)
        {
            var (routedSalt, weight) = weights(deployment);
            var routed = routedSalt == salt;
            foreach (var (key, unit) in units.Open)
            {
                UnitRecord? closed = null;
                lock (unit)
                {
                    if (!unit.IsClosed && (!routed || unit.WeightBps != weight || now - unit.StartedSecond >= windowSeconds))
                    {
                        closed = unit.Close(now);
                    }
                }

                if (closed is { } record)
                {
                    Finish(units, key, record);
                }
            }

            units.Trim(now - options.HorizonSeconds);
            if (!routed && units.Open.IsEmpty && units.IsEmpty)
            {
                rollouts.TryRemove(new KeyValuePair<(string, string, UnitKind), RolloutUnits>((deployment, salt, kind), units));
            }
        }
    }

    /// <summary>The units of a rollout and stream that closed in Unix seconds [<paramref name="fromSecond"/>, <paramref name="toSecond"/>).</summary>
    public IReadOnlyList<UnitRecord> Closed(string deployment, string salt, long fromSecond, long toSecond, UnitKind kind = UnitKind.Requests)
        => rollouts.TryGetValue((deployment, salt, kind), out var units) ? units.Read(fromSecond, toSecond) : [];

    /// <summary>The units of every stream of a rollout that closed in [<paramref name="fromSecond"/>, <paramref name="toSecond"/>).</summary>
    public IReadOnlyList<UnitRecord> ClosedAllKinds(string deployment, string salt, long fromSecond, long toSecond)
        => [.. Enum.GetValues<UnitKind>().SelectMany(kind => Closed(deployment, salt, fromSecond, toSecond, kind))];

    /// <summary>Every rollout's units that closed in [<paramref name="fromSecond"/>, <paramref name="toSecond"/>), for shipping.</summary>
    public IEnumerable<(string Deployment, string Salt, UnitRecord Unit)> AllClosed(long fromSecond, long toSecond)
    {
        foreach (var ((deployment, salt, _), units) in rollouts)
        {
            foreach (var unit in units.Read(fromSecond, toSecond))
            {
                yield return (deployment, salt, unit);
            }
        }
    }

    /// <summary>Keys of a rollout not tracked because it reached <see cref="UnitOptions.MaxKeysPerRollout"/>.</summary>
    public long Untracked(string deployment, string salt, UnitKind kind = UnitKind.Requests) => rollouts.TryGetValue((deployment, salt, kind), out var units) ? Interlocked.Read(ref units.Untracked) : 0;

    /// <summary>The mark of a key seen on the candidate in <c>Done</c> (otherwise the weight at which it was seen on the baseline).</summary>
    private const int KnownCandidate = -1;

    private static void Finish(RolloutUnits units, ulong key, UnitRecord record)
    {
        units.Done[key] = record.Candidate ? KnownCandidate : Math.Max(record.WeightBps, units.Done.GetValueOrDefault(key));
        units.Open.TryRemove(key, out _);
        if (record.Requests > 0)
        {
            units.Emit(record);
        }
    }

    /// <summary>One rollout's units: open ones by key, keys already done, and closed units by second.</summary>
    private sealed class RolloutUnits
    {
        private readonly ConcurrentDictionary<long, ConcurrentQueue<UnitRecord>> closed = new();
        public long Untracked;

        public ConcurrentDictionary<ulong, OpenUnit> Open { get; } = new();

        /// <summary>Keys whose unit closed: <see cref="KnownCandidate"/>, or the highest weight at which they were on the baseline.</summary>
        public ConcurrentDictionary<ulong, int> Done { get; } = new();

        public bool IsEmpty => closed.IsEmpty;

        public void Emit(UnitRecord record) => closed.GetOrAdd(record.Second, static _ => new ConcurrentQueue<UnitRecord>()).Enqueue(record);

        public List<UnitRecord> Read(long fromSecond, long toSecond)
        {
            var list = new List<UnitRecord>();
            foreach (var (second, queue) in closed)
            {
                if (second >= fromSecond && second < toSecond)
                {
                    list.AddRange(queue);
                }
            }

            return list;
        }

        public void Trim(long beforeSecond)
        {
            foreach (var second in closed.Keys)
            {
                if (second < beforeSecond)
                {
                    closed.TryRemove(second, out _);
                }
            }
        }
    }

    /// <summary>A unit still collecting requests; guarded by its own lock.</summary>
    private sealed class OpenUnit(UnitTicket ticket, long startedSecond, int priorBps)
    {
        private int events;
        private double maxLatency = double.NaN;
        private double maxTtft = double.NaN;

        public int Version { get; } = ticket.Version;

        public bool Candidate { get; } = ticket.Candidate;

        public int WeightBps { get; } = ticket.WeightBps;

        public ulong KeyHash { get; } = ticket.KeyHash;

        public long StartedSecond { get; } = startedSecond;

        public int Requests { get; private set; }

        public bool IsClosed { get; private set; }

        public void Add(in RequestSample sample)
        {
            Requests++;
            if (sample.Outcome == RequestOutcome.Ok)
            {
                maxLatency = double.IsNaN(maxLatency) ? sample.LatencyMs : Math.Max(maxLatency, sample.LatencyMs);
            }
            else
            {
                events |= 1 << ((int)sample.Outcome - 1);
            }

            if (sample.TimeToFirstTokenMs is { } ttft)
            {
                maxTtft = double.IsNaN(maxTtft) ? ttft : Math.Max(maxTtft, ttft);
            }
        }

        public UnitRecord Close(long second)
        {
            IsClosed = true;
            return new UnitRecord(second, Version, Candidate, WeightBps, (byte)events, maxLatency, maxTtft, Requests, KeyHash, priorBps);
        }
    }
}
