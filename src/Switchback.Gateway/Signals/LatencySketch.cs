namespace Switchback.Gateway.Signals;

/// <summary>
/// A mergeable latency distribution in the manner of DDSketch (Masson, Rim and Lee, VLDB 2019): log-spaced buckets of
/// a fixed <see cref="SketchLayout"/>, one <see cref="int"/> count each. <see cref="Quantile"/> is within the layout's
/// relative accuracy α of the exact lower quantile for values inside the range; values outside are clamped to it and
/// counted in <see cref="Underflow"/> / <see cref="Overflow"/>. Thread-safe: <see cref="Record"/> and
/// <see cref="Merge"/> are lock-free; reads during writes see a slightly stale but consistent-enough view.
/// </summary>
public sealed class LatencySketch
{
    private readonly int[] _counts;
    private long _count;
    private long _sumMicros;
    private long _underflow;
    private long _overflow;

    /// <summary>An empty sketch with <paramref name="layout"/> (default: <see cref="SketchLayout.Default"/>).</summary>
    public LatencySketch(SketchLayout? layout = null)
    {
        Layout = layout ?? SketchLayout.Default;
        _counts = new int[Layout.BucketCount];
    }

    /// <summary>The bucket geometry.</summary>
    public SketchLayout Layout { get; }

    /// <summary>The number of values recorded.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>The sum of the values recorded, in milliseconds (kept to the microsecond, unclamped).</summary>
    public double Sum => Volatile.Read(ref _sumMicros) / 1000.0;

    /// <summary>How many values were below the layout's minimum (counted at the minimum).</summary>
    public long Underflow => Volatile.Read(ref _underflow);

    /// <summary>How many values were above the layout's maximum (counted at the maximum).</summary>
    public long Overflow => Volatile.Read(ref _overflow);

    /// <summary>Records one value in milliseconds; throws on a negative or non-finite value.</summary>
    public void Record(double milliseconds)
    {
        if (!(milliseconds >= 0 && double.IsFinite(milliseconds)))
        {
            ThrowBadValue(milliseconds);
        }

        var clamped = milliseconds;
        if (milliseconds < Layout.MinValue)
        {
            clamped = Layout.MinValue;
            Interlocked.Increment(ref _underflow);
        }
        else if (milliseconds > Layout.MaxValue)
        {
            clamped = Layout.MaxValue;
            Interlocked.Increment(ref _overflow);
        }

        Interlocked.Increment(ref _counts[Layout.BucketOf(clamped)]);
        Interlocked.Add(ref _sumMicros, (long)Math.Round(milliseconds * 1000));
        Interlocked.Increment(ref _count);
    }

    /// <summary>Adds every value of <paramref name="other"/> to this sketch; the layouts must be equal.</summary>
    public void Merge(LatencySketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!other.Layout.Equals(Layout))
        {
            throw new ArgumentException("sketches with different layouts (accuracy or range) cannot be merged", nameof(other));
        }

        for (var i = 0; i < _counts.Length; i++)
        {
            var add = Volatile.Read(ref other._counts[i]);
            if (add != 0 && Interlocked.Add(ref _counts[i], add) < add)
            {
                throw new OverflowException($"latency sketch bucket {i} overflowed {int.MaxValue} values");
            }
        }

        Interlocked.Add(ref _count, other.Count);
        Interlocked.Add(ref _sumMicros, Volatile.Read(ref other._sumMicros));
        Interlocked.Add(ref _underflow, other.Underflow);
        Interlocked.Add(ref _overflow, other.Overflow);
    }

    /// <summary>
    /// The estimated q-quantile (0 ≤ q ≤ 1) in milliseconds: the value of rank ⌊q·(n−1)⌋ within relative error α,
    /// or <see cref="double.NaN"/> when the sketch is empty.
    /// </summary>
    public double Quantile(double q) => QuantileBucket(q) is { } i ? Layout.ValueOf(i) : double.NaN;

    /// <summary>
    /// The upper edge of the bucket that holds the q-quantile (its value for the last, open bucket), or NaN when empty. As a
    /// threshold it splits the sketch at a bucket edge: no recorded value is ambiguous about lying above it, so the
    /// baseline's conservative count (<see cref="CountPossiblyAbove"/>) is exact there, and at most a fraction 1 − q of the
    /// values lies above it. A baseline concentrated on one value (answers of a fixed length) keeps its power this way.
    /// </summary>
    public double QuantileUpperBound(double q)
    {
        if (QuantileBucket(q) is not { } i)
        {
            return double.NaN;
        }

        var upper = Layout.UpperBound(i);
        return double.IsPositiveInfinity(upper) ? Layout.ValueOf(i) : upper;
    }

    private int? QuantileBucket(double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "a quantile must be between 0 and 1");
        }

        long total = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            total += Volatile.Read(ref _counts[i]);
        }

        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Floor(q * (total - 1));
        long seen = 0;
        var last = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            var c = Volatile.Read(ref _counts[i]);
            if (c == 0)
            {
                continue;
            }

            last = i;
            seen += c;
            if (seen > rank)
            {
                return i;
            }
        }

        // Only reachable when buckets changed between the two passes (concurrent Clear).
        return last;
    }

    /// <summary>
    /// How many recorded values lie above <paramref name="threshold"/> ms, judged by bucket: a bucket counts when the value it
    /// reports (the one <see cref="Quantile"/> returns) is above the threshold. So a threshold taken from <see cref="Quantile"/>
    /// splits the sketch exactly at that bucket. Used to reduce quantile guardrails to exceedance counts.
    /// </summary>
    public long CountAbove(double threshold)
    {
        if (double.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "a threshold must be a number");
        }

        long above = 0;
        for (var i = _counts.Length - 1; i >= 0 && Layout.ValueOf(i) > threshold; i--)
        {
            above += Volatile.Read(ref _counts[i]);
        }

        return above;
    }

    /// <summary>The count of bucket <paramref name="bucket"/> (for encoding a window to ship it).</summary>
    internal int BucketValue(int bucket) => Volatile.Read(ref _counts[bucket]);

    /// <summary>The sum of the values recorded, in microseconds, as kept.</summary>
    internal long SumMicros => Volatile.Read(ref _sumMicros);

    /// <summary>Adds decoded contents (a shipped window): bucket counts first, then the totals.</summary>
    internal void AddBucket(int bucket, int count)
    {
        if (Interlocked.Add(ref _counts[bucket], count) < count)
        {
            throw new OverflowException($"latency sketch bucket {bucket} overflowed {int.MaxValue} values");
        }
    }

    /// <summary>Adds decoded totals (a shipped window), after its buckets.</summary>
    internal void AddTotals(long count, long sumMicros, long underflow, long overflow)
    {
        Interlocked.Add(ref _count, count);
        Interlocked.Add(ref _sumMicros, sumMicros);
        Interlocked.Add(ref _underflow, underflow);
        Interlocked.Add(ref _overflow, overflow);
    }

    /// <summary>
    /// How many recorded values are certainly above <paramref name="threshold"/>: whole buckets whose every value exceeds it.
    /// The conservative count for the candidate's side of a test (never more than the exact count).
    /// </summary>
    public long CountSurelyAbove(double threshold)
    {
        ThrowIfNaN(threshold);
        long above = 0;
        for (var i = _counts.Length - 1; i >= 0 && Layout.LowerBound(i) >= threshold; i--)
        {
            above += Volatile.Read(ref _counts[i]);
        }

        return above;
    }

    /// <summary>
    /// How many recorded values may be above <paramref name="threshold"/>: whole buckets that can hold a value above it. The
    /// conservative count for the baseline's side of a test (never less than the exact count).
    /// </summary>
    public long CountPossiblyAbove(double threshold)
    {
        ThrowIfNaN(threshold);
        long above = 0;
        for (var i = _counts.Length - 1; i >= 0 && Layout.UpperBound(i) > threshold; i--)
        {
            above += Volatile.Read(ref _counts[i]);
        }

        return above;
    }

    private static void ThrowIfNaN(double threshold)
    {
        if (double.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "a threshold must be a number");
        }
    }

    /// <summary>Empties the sketch; the caller guarantees no concurrent writer (see VersionSignals' window epochs).</summary>
    internal void Clear()
    {
        Array.Clear(_counts);
        _count = 0;
        _sumMicros = 0;
        _underflow = 0;
        _overflow = 0;
    }

    private static void ThrowBadValue(double milliseconds)
        => throw new ArgumentOutOfRangeException(nameof(milliseconds), milliseconds, "a latency must be a finite number of milliseconds, 0 or more");
}
