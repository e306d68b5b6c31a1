namespace Switchback.Core.Monitors;

/// <summary>
/// The arithmetic of a monitor's rate detector (docs/statistics.md "monitors"): a conservative upper bound on the reference
/// rate and the Bernoulli likelihood-ratio e-value of a batch against it. Written here rather than taken from a library:
/// it is two closed forms and a bisection, and the guarantee rests on their exact shape.
/// </summary>
internal static class RateEvidence
{
    /// <summary>The chance that the reference bound is below the true rate of a reference window (δ).</summary>
    public const double ReferenceMiss = 1e-3;

    /// <summary>The rate ratios the detector's statistics are tuned to: a mixture, since the size of a change is unknown.</summary>
    public static readonly double[] Ratios = [1.5, 2, 4];

    /// <summary>
    /// The Chernoff (KL) upper confidence bound on a Bernoulli rate from <paramref name="events"/> in <paramref name="trials"/>:
    /// the largest q with trials·KL(p̂‖q) ≤ ln(1/δ); P(true rate &gt; bound) ≤ δ for any number of trials. 1 without trials.
    /// </summary>
    public static double UpperBound(long events, long trials, double miss = ReferenceMiss)
    {
        if (trials <= 0)
        {
            return 1;
        }

        var p = Math.Clamp((double)events / trials, 0, 1);
        var budget = Math.Log(1 / miss) / trials;
        double low = p, high = 1;
        for (var i = 0; i < 60; i++)
        {
            var mid = (low + high) / 2;
            if (Kl(p, mid) > budget)
            {
                high = mid;
            }
            else
            {
                low = mid;
            }
        }

        return low;
    }

    /// <summary>
    /// ln of the e-value of <paramref name="events"/> in <paramref name="trials"/> for "rate is <paramref name="ratio"/> × p0"
    /// against "rate ≤ p0": the likelihood ratio at p0, whose expectation is at most 1 for every rate up to p0 (it increases
    /// with the number of events). 0 (e-value 1) when there is nothing to judge.
    /// </summary>
    public static double LogEValue(long events, long trials, double p0, double ratio)
    {
        if (trials <= 0 || p0 >= 0.999 || p0 <= 0)
        {
            return 0;
        }

        // The alternative stays a rate: halfway to 1 at most when p0 is already high.
        var p1 = Math.Min(ratio * p0, (1 + p0) / 2);
        return (events * Math.Log(p1 / p0)) + ((trials - events) * Math.Log((1 - p1) / (1 - p0)));
    }

    private static double Kl(double p, double q)
    {
        if (q >= 1)
        {
            return double.PositiveInfinity;
        }

        var a = p <= 0 ? 0 : p * Math.Log(p / q);
        var b = p >= 1 ? 0 : (1 - p) * Math.Log((1 - p) / (1 - q));
        return a + b;
    }
}
