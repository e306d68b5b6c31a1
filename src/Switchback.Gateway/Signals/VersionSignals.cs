namespace Switchback.Gateway.Signals;

/// <summary>
/// The signals of one (deployment, version): a ring of <see cref="SignalOptions.WindowCount"/> one-second windows
/// indexed by the injected clock's Unix second. Thread-safe. Recording is lock-free and allocates nothing once each
/// window slot was used once. A slot is reused for a later second by the first writer that wins a compare-and-swap of
/// its epoch to <c>Resetting</c>; that writer clears it and publishes the new second while other writers of that
/// second spin briefly; a writer whose second was already recycled (it stalled for a whole ring) drops its sample and
/// counts it in <see cref="DroppedLateSamples"/>.
/// </summary>
public sealed class VersionSignals
{
    private readonly SignalWindow?[] _windows;
    private readonly TimeProvider _time;
    private readonly SignalOptions _options;
    private long _droppedLate;
    private readonly LifetimeTotals _lifetime = new();

    /// <summary>Creates an empty ring; <paramref name="options"/> must be valid (see <see cref="SignalOptions.Validate"/>).</summary>
    public VersionSignals(string deployment, int version, TimeProvider time, SignalOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(deployment);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new SignalOptions();
        _options.Validate();
        Deployment = deployment;
        Version = version;
        _time = time;
        _windows = new SignalWindow?[_options.WindowCount];
    }

    /// <summary>The deployment name.</summary>
    public string Deployment { get; }

    /// <summary>The version number.</summary>
    public int Version { get; }

    /// <summary>Samples dropped because their second had already left the ring while they were being recorded.</summary>
    public long DroppedLateSamples => Volatile.Read(ref _droppedLate);

    /// <summary>The index of a named extra counter for <see cref="AddCounter"/>, or −1 when it is not configured.</summary>
    public int CounterIndex(string name)
    {
        for (var i = 0; i < _options.CounterNames.Count; i++)
        {
            if (string.Equals(_options.CounterNames[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Records one finished request in the current second's window.</summary>
    public void Record(in RequestSample sample)
    {
        // Checked before anything is counted, so a bad sample changes nothing.
        if (ProblemWith(sample) is { } problem)
        {
            throw new ArgumentException($"bad request sample for {Deployment}@{Version}: {problem}", nameof(sample));
        }

        CurrentWindow()?.Record(sample);
        _lifetime.Record(sample);
    }

    /// <summary>Totals since this version's signals were created (never reset), for Prometheus counters and histograms.</summary>
    public LifetimeTotals Lifetime => _lifetime;

    /// <summary>
    /// Records user feedback in the current second's window: <paramref name="score"/> is −1 (thumbs down), 1 (thumbs
    /// up) or a grade in 0..1; <paramref name="escalated"/> counts an escalation to a human.
    /// </summary>
    public void RecordFeedback(double score, bool escalated)
    {
        if (!(score == -1 || (score >= 0 && score <= 1)))
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "a feedback score is -1, 1, or a number from 0 to 1");
        }

        CurrentWindow()?.RecordFeedback((long)Math.Round(score * 1_000_000), thumbsUp: score == 1, thumbsDown: score == -1, escalated);
    }

    /// <summary>Adds <paramref name="delta"/> to the extra counter at <paramref name="index"/> in the current window.</summary>
    public void AddCounter(int index, long delta = 1)
    {
        if ((uint)index >= (uint)_options.CounterNames.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"there are {_options.CounterNames.Count} configured signal counters");
        }

        if (CurrentWindow() is { } window)
        {
            Interlocked.Add(ref window.Counters[index], delta);
        }
    }

    /// <summary>
    /// Aggregates every window whose second overlaps [<paramref name="from"/>, <paramref name="to"/>) and is still in the
    /// ring (the last <see cref="SignalOptions.WindowCount"/> seconds up to now).
    /// </summary>
    public SignalSnapshot Aggregate(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from)
        {
            throw new ArgumentException($"the end of the range ({to:O}) is before its start ({from:O})", nameof(to));
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var first = Math.Max(FloorSeconds(from), now - _windows.Length + 1);
        var end = Math.Min(CeilingSeconds(to), now + 1);
        var total = new SignalWindow(_options.Latency, _options.CounterNames.Count);
        var scratch = new SignalWindow(_options.Latency, _options.CounterNames.Count);
        for (var second = first; second < end; second++)
        {
            var window = Volatile.Read(ref _windows[Slot(second)]);
            if (window is null || Volatile.Read(ref window.Epoch) != second)
            {
                continue;
            }

            scratch.Reset();
            scratch.Add(window);

            // Seqlock-style check: if the slot was recycled while being read, the copy mixes two seconds; drop it.
            if (Volatile.Read(ref window.Epoch) == second)
            {
                total.Add(scratch);
            }
        }

        return ToSnapshot(Deployment, Version, _options.CounterNames, total, from, to);
    }

    /// <summary>Aggregates the last <paramref name="window"/> of whole seconds, the current (partial) second included.</summary>
    public SignalSnapshot AggregateLast(TimeSpan window)
    {
        var end = DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds() + 1);
        return Aggregate(end - window, end);
    }

    /// <summary>
    /// Copies the window of Unix second <paramref name="second"/> into <paramref name="into"/> (reset first); false when the
    /// ring does not hold that second (nothing was recorded in it, or it was recycled). Used to ship windows to the store.
    /// </summary>
    internal bool TryCopySecond(long second, SignalWindow into)
    {
        var window = Volatile.Read(ref _windows[Slot(second)]);
        if (window is null || Volatile.Read(ref window.Epoch) != second)
        {
            return false;
        }

        into.Reset();
        into.Add(window);

        // Seqlock-style check, as in Aggregate: a slot recycled while it was read mixes two seconds.
        return Volatile.Read(ref window.Epoch) == second;
    }

    /// <summary>A window of this ring's sizes, for <see cref="TryCopySecond"/>.</summary>
    internal SignalWindow NewWindow() => new(_options.Latency, _options.CounterNames.Count);

    /// <summary>The names of the extra counters, by index.</summary>
    internal IReadOnlyList<string> CounterNames => _options.CounterNames;

    /// <summary>The number of one-second windows the ring keeps.</summary>
    internal int WindowCount => _windows.Length;

    private static string? ProblemWith(in RequestSample sample) => sample switch
    {
        { Outcome: < RequestOutcome.Ok or > RequestOutcome.Oom } => $"unknown outcome {(int)sample.Outcome}",
        _ when !(sample.LatencyMs >= 0 && double.IsFinite(sample.LatencyMs)) => $"latency {sample.LatencyMs} ms is not a finite number, 0 or more",
        { TimeToFirstTokenMs: { } t } when !(t >= 0 && double.IsFinite(t)) => $"time to first token {t} ms is not a finite number, 0 or more",
        { TokensIn: < 0 } or { TokensOut: < 0 } => $"token counts must not be negative (in {sample.TokensIn}, out {sample.TokensOut})",
        _ => null,
    };

    private SignalWindow? CurrentWindow()
    {
        var second = _time.GetUtcNow().ToUnixTimeSeconds();
        var slot = Slot(second);
        var window = Volatile.Read(ref _windows[slot]) ?? CreateWindow(slot);
        var spinner = default(SpinWait);
        while (true)
        {
            var epoch = Volatile.Read(ref window.Epoch);
            if (epoch == second)
            {
                return window;
            }

            if (epoch == SignalWindow.Resetting)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            if (epoch > second)
            {
                Interlocked.Increment(ref _droppedLate);
                return null;
            }

            if (Interlocked.CompareExchange(ref window.Epoch, SignalWindow.Resetting, epoch) == epoch)
            {
                window.Reset();
                Volatile.Write(ref window.Epoch, second);
                return window;
            }
        }
    }

    private SignalWindow CreateWindow(int slot)
    {
        var fresh = new SignalWindow(_options.Latency, _options.CounterNames.Count);
        return Interlocked.CompareExchange(ref _windows[slot], fresh, null) ?? fresh;
    }

    private int Slot(long second) => (int)(((second % _windows.Length) + _windows.Length) % _windows.Length);

    private static long FloorSeconds(DateTimeOffset t) => (long)Math.Floor((t - DateTimeOffset.UnixEpoch).TotalSeconds);

    private static long CeilingSeconds(DateTimeOffset t) => (long)Math.Ceiling((t - DateTimeOffset.UnixEpoch).TotalSeconds);

    /// <summary>The snapshot of an aggregated window (also of windows other replicas shipped, merged by the fleet's reader).</summary>
    internal static SignalSnapshot ToSnapshot(string deployment, int version, IReadOnlyList<string> counterNames, SignalWindow total, DateTimeOffset from, DateTimeOffset to)
    {
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < counterNames.Count; i++)
        {
            counters[counterNames[i]] = total.Counters[i];
        }

        var ttft = total.EnsureTimeToFirstToken();
        return new SignalSnapshot(
            deployment,
            version,
            from,
            to,
            total.Requests,
            new ErrorCounts(total.Errors[0], total.Errors[1], total.Errors[2], total.Errors[3]),
            total.TokensIn,
            total.TokensOut,
            LatencyPercentiles.From(total.Latency),
            LatencyPercentiles.From(ttft),
            new FeedbackCounts(total.FeedbackCount, total.ThumbsUp, total.ThumbsDown, total.Escalations, total.ScoreMicros / 1_000_000.0),
            counters,
            total.Latency,
            ttft);
    }
}
