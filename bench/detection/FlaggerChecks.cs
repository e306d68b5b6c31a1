using Switchback.Control.Tests.Statistics;

namespace Switchback.Bench.Detection;

/// <summary>
/// Flagger's analysis as it behaves, on the per-minute series of a clustered run: every interval (one minute) the canary's
/// error rate and p99 latency over that interval are checked against fixed thresholds; a failed check adds to a counter that is
/// never reset during the analysis, and the canary is rolled back when it reaches <c>threshold</c> (5). An interval in which
/// the canary served nothing is a failed check (Flagger's metric query returns no value, and Flagger counts that as a failure).
/// </summary>
/// <param name="MaxErrorRate">The error-rate threshold (Flagger's <c>request-success-rate</c> minimum, turned around).</param>
/// <param name="MaxP99">The p99 threshold in ms (Flagger's <c>request-duration</c> maximum).</param>
internal sealed record FlaggerChecks(double MaxErrorRate, double MaxP99)
{
    private const int Threshold = 5;

    /// <summary>The minute (1-based) at which the failed checks reach the threshold, or null.</summary>
    public int? FirstFailure(IReadOnlyList<MinuteOfTraffic> minutes)
    {
        var failed = 0;
        for (var i = 0; i < minutes.Count; i++)
        {
            var canary = minutes[i].Candidate;
            if (canary.Requests == 0 || canary.FailureRate > MaxErrorRate || canary.P99 > MaxP99)
            {
                failed++;
                if (failed >= Threshold)
                {
                    return i + 1;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Thresholds as a Flagger user sets them, with headroom over the stable version's known levels: its error rate plus one
    /// point, and 1.25 × its typical (median per-minute) p99 — measured on calibration runs of the same traffic.
    /// </summary>
    public static FlaggerChecks AsUsersSetThem(IReadOnlyList<List<MinuteOfTraffic>> calibration)
    {
        var baseline = calibration.SelectMany(r => r).Select(m => m.Baseline).Where(a => a.Requests > 0).ToList();
        var errorRate = (double)baseline.Sum(a => a.Failed) / baseline.Sum(a => a.Requests);
        var p99 = Median(baseline.Select(a => a.P99).ToList());
        return new FlaggerChecks(errorRate + 0.01, 1.25 * p99);
    }

    /// <summary>
    /// The same checks tuned to a false-rollback rate: both thresholds at the same quantile level of the canary's per-minute
    /// values on A/A calibration runs, the lowest level at which at most <paramref name="alpha"/> of those runs roll back, so
    /// power can be compared with Switchback's at an equal false-rollback rate. Tuned with hindsight on the very traffic
    /// judged — more than a Flagger user can do.
    /// </summary>
    public static FlaggerChecks TunedTo(double alpha, IReadOnlyList<List<MinuteOfTraffic>> calibration)
    {
        var canary = calibration.SelectMany(r => r).Select(m => m.Candidate).Where(a => a.Requests > 0).ToList();
        var errors = canary.Select(a => a.FailureRate).Order().ToArray();
        var p99s = canary.Select(a => a.P99).Order().ToArray();
        FlaggerChecks? best = null;
        for (var level = 0.999999; level >= 0.5; level = 1 - ((1 - level) * 1.05))
        {
            var checks = new FlaggerChecks(At(errors, level), At(p99s, level));
            if (calibration.Count(r => checks.FirstFailure(r) is not null) > alpha * calibration.Count)
            {
                break;
            }

            best = checks;
        }

        return best ?? new FlaggerChecks(errors[^1], p99s[^1]);

        static double At(double[] sorted, double level) => sorted[Math.Clamp((int)Math.Ceiling(level * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
