namespace Switchback.Gateway.Signals;

/// <summary>Sizing of the per-version signal rings. Validate once at start-up with <see cref="Validate"/>.</summary>
public sealed class SignalOptions
{
    /// <summary>The most windows a ring may have (one week of seconds).</summary>
    public const int MaxWindowCount = 7 * 24 * 3600;

    /// <summary>The number of 1-second windows kept per version, i.e. the horizon in seconds.</summary>
    /// <value>Default 3,600 (one hour); 2 .. <see cref="MaxWindowCount"/>.</value>
    public int WindowCount { get; init; } = 3_600;

    /// <summary>Bucket geometry of the latency and time-to-first-token sketches.</summary>
    /// <value>Default <see cref="SketchLayout.Default"/>: α = 1 % over 0.1 ms .. 10 min.</value>
    public SketchLayout Latency { get; init; } = SketchLayout.Default;

    /// <summary>Names of extra counters that later evaluators increment by index (see <see cref="VersionSignals.CounterIndex"/>).</summary>
    /// <value>Default none; names must be unique and non-empty.</value>
    public IReadOnlyList<string> CounterNames { get; init; } = [];

    /// <summary>Memory of one fully used window in bytes, approximately: counters plus both sketches.</summary>
    public long BytesPerWindow => 256 + (8L * CounterNames.Count) + (2L * (64 + (4L * Latency.BucketCount)));

    /// <summary>Memory of one version's ring once every window has been used, approximately.</summary>
    public long BytesPerVersion => (8L * WindowCount) + (BytesPerWindow * WindowCount);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (WindowCount is < 2 or > MaxWindowCount)
        {
            throw new ArgumentException($"signal window count must be 2..{MaxWindowCount} one-second windows, got {WindowCount}");
        }

        ArgumentNullException.ThrowIfNull(Latency);
        ArgumentNullException.ThrowIfNull(CounterNames);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in CounterNames)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("a signal counter name must not be empty");
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"signal counter '{name}' is named twice");
            }
        }
    }
}
