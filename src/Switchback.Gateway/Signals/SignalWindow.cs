namespace Switchback.Gateway.Signals;

/// <summary>
/// The counters of one version in one 1-second window. Increments are lock-free (<see cref="Interlocked"/>); which
/// second the window holds is governed by <see cref="Epoch"/>, owned by <see cref="VersionSignals"/>.
/// </summary>
internal sealed class SignalWindow
{
    /// <summary>Epoch value while one writer clears the window for a new second; others wait for it.</summary>
    internal const long Resetting = long.MinValue;

    /// <summary>Epoch value of a window that never held a second.</summary>
    internal const long Unused = long.MinValue + 1;

    // Fields, not properties: Interlocked needs refs, and the type is internal to the signals feature.
    internal long Epoch = Unused;
    internal long Requests;
    internal long TokensIn;
    internal long TokensOut;
    internal long ThumbsUp;
    internal long ThumbsDown;
    internal long Escalations;
    internal long FeedbackCount;
    internal long ScoreMicros;
    internal readonly long[] Errors = new long[4];
    internal readonly long[] Counters;
    internal readonly LatencySketch Latency;
    private readonly SketchLayout _layout;
    private LatencySketch? _timeToFirstToken;

    public SignalWindow(SketchLayout layout, int counterCount)
    {
        _layout = layout;
        Latency = new LatencySketch(layout);
        Counters = new long[counterCount];
    }

    /// <summary>The time-to-first-token sketch, or null while no stream was recorded (saves half the memory otherwise).</summary>
    internal LatencySketch? TimeToFirstToken => Volatile.Read(ref _timeToFirstToken);

    public void Record(in RequestSample sample)
    {
        Interlocked.Increment(ref Requests);
        if (sample.Outcome == RequestOutcome.Ok)
        {
            Latency.Record(sample.LatencyMs);
        }
        else
        {
            Interlocked.Increment(ref Errors[(int)sample.Outcome - 1]);
        }

        if (sample.TokensIn != 0)
        {
            Interlocked.Add(ref TokensIn, sample.TokensIn);
        }

        if (sample.TokensOut != 0)
        {
            Interlocked.Add(ref TokensOut, sample.TokensOut);
        }

        if (sample.TimeToFirstTokenMs is { } ttft)
        {
            EnsureTimeToFirstToken().Record(ttft);
        }
    }

    public void RecordFeedback(long scoreMicros, bool thumbsUp, bool thumbsDown, bool escalated)
    {
        Interlocked.Increment(ref FeedbackCount);
        Interlocked.Add(ref ScoreMicros, scoreMicros);
        if (thumbsUp)
        {
            Interlocked.Increment(ref ThumbsUp);
        }

        if (thumbsDown)
        {
            Interlocked.Increment(ref ThumbsDown);
        }

        if (escalated)
        {
            Interlocked.Increment(ref Escalations);
        }
    }

    /// <summary>Zeroes every counter; only the writer that moved <see cref="Epoch"/> to <see cref="Resetting"/> calls it.</summary>
    public void Reset()
    {
        Requests = TokensIn = TokensOut = ThumbsUp = ThumbsDown = Escalations = FeedbackCount = ScoreMicros = 0;
        Array.Clear(Errors);
        Array.Clear(Counters);
        Latency.Clear();
        _timeToFirstToken?.Clear();
    }

    /// <summary>Adds <paramref name="other"/>'s counters to this window (used to aggregate, never on the hot path).</summary>
    public void Add(SignalWindow other)
    {
        Requests += Volatile.Read(ref other.Requests);
        TokensIn += Volatile.Read(ref other.TokensIn);
        TokensOut += Volatile.Read(ref other.TokensOut);
        ThumbsUp += Volatile.Read(ref other.ThumbsUp);
        ThumbsDown += Volatile.Read(ref other.ThumbsDown);
        Escalations += Volatile.Read(ref other.Escalations);
        FeedbackCount += Volatile.Read(ref other.FeedbackCount);
        ScoreMicros += Volatile.Read(ref other.ScoreMicros);
        for (var i = 0; i < Errors.Length; i++)
        {
            Errors[i] += Volatile.Read(ref other.Errors[i]);
        }

        for (var i = 0; i < Counters.Length; i++)
        {
            Counters[i] += Volatile.Read(ref other.Counters[i]);
        }

        Latency.Merge(other.Latency);
        if (other.TimeToFirstToken is { Count: > 0 } ttft)
        {
            EnsureTimeToFirstToken().Merge(ttft);
        }
    }

    internal LatencySketch EnsureTimeToFirstToken()
        => Volatile.Read(ref _timeToFirstToken)
           ?? Interlocked.CompareExchange(ref _timeToFirstToken, new LatencySketch(_layout), null)
           ?? _timeToFirstToken!;
}
