namespace Switchback.Bench.Fleet;

/// <summary>What a <see cref="FixedRateLoad"/> did: requests sent and not sent, answers by "status v=version", latencies (sorted, ms).</summary>
internal sealed record LoadResult(double TargetRate, TimeSpan Elapsed, long Sent, long NotSent, IReadOnlyDictionary<string, int> Outcomes, IReadOnlyList<double> LatenciesMs)
{
    public long Completed => Outcomes.Values.Sum();

    /// <summary>Answers that were not 200, or no answer at all.</summary>
    public long Failed => Outcomes.Where(o => !o.Key.StartsWith("200 ", StringComparison.Ordinal)).Sum(o => o.Value);

    /// <summary>Completed requests per second over the time the load ran.</summary>
    public double AchievedRate => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;

    /// <summary>Answers served by <paramref name="version"/>.</summary>
    public long ServedBy(int version)
        => Outcomes.Where(o => o.Key.EndsWith(" v=" + version.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)).Sum(o => o.Value);
}
