namespace Switchback.Control.Rollouts.Evidence;

/// <summary>How the leading controller records each guardrail's evidence over a rollout (docs/api.md, "Evidence series"); every default lives here.</summary>
public sealed class EvidenceSeriesOptions
{
    /// <summary>The least time between two points of one guardrail, unless its evidence changed noticeably.</summary>
    /// <value>Default 2 s; at least 100 ms.</value>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A change of the e-value by this factor (up or down) since the last point is noticeable: it is recorded at once.</summary>
    /// <value>Default 2; over 1.</value>
    public double NoticeableFactor { get; set; } = 2;

    /// <summary>The most points stored per rollout and guardrail; beyond it the store halves the series (first and latest kept).</summary>
    /// <value>Default 240; from 4 to 10 000.</value>
    public int MaxPoints { get; set; } = 240;

    /// <summary>How long the writer gathers points before one store write (and waits before retrying a failed one).</summary>
    /// <value>Default 1 s; at least 10 ms.</value>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most points waiting for the store; beyond it the oldest waiting are dropped (the store is down for long).</summary>
    /// <value>Default 10 000; at least 1.</value>
    public int MaxQueued { get; set; } = 10_000;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (MinInterval < TimeSpan.FromMilliseconds(100) || !(NoticeableFactor > 1) || MaxPoints is < 4 or > 10_000
            || FlushInterval < TimeSpan.FromMilliseconds(10) || MaxQueued < 1)
        {
            throw new ArgumentException(
                $"evidence series options out of range: MinInterval {MinInterval} (≥ 100 ms), NoticeableFactor {NoticeableFactor} (> 1), "
                + $"MaxPoints {MaxPoints} (4..10000), FlushInterval {FlushInterval} (≥ 10 ms), MaxQueued {MaxQueued} (≥ 1)");
        }
    }
}
