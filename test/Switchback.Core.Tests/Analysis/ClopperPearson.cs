namespace Switchback.Core.Tests.Analysis;

/// <summary>
/// The exact (Clopper–Pearson) two-sided 95 % interval of a binomial proportion, by bisection on the binomial tails: what the
/// statistics tests and the detection study (which links this file) put around every simulated rate.
/// </summary>
internal static class ClopperPearson
{
    public static (double Lower, double Upper) Interval(int k, int n)
    {
        var upper = k >= n ? 1 : Bisect(p => Cdf(k, n, p) > 0.025);
        var lower = k <= 0 ? 0 : Bisect(p => 1 - Cdf(k - 1, n, p) < 0.025);
        return (lower, upper);
    }

    /// <summary>The largest p in [0, 1] for which <paramref name="below"/> still holds (it holds for small p).</summary>
    private static double Bisect(Func<double, bool> below)
    {
        double lo = 0, hi = 1;
        for (var i = 0; i < 60; i++)
        {
            var mid = (lo + hi) / 2;
            if (below(mid))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return hi;
    }

    private static double Cdf(int k, int n, double p)
    {
        if (p <= 0)
        {
            return 1;
        }

        if (p >= 1)
        {
            return k >= n ? 1 : 0;
        }

        double sum = 0, logTerm = n * Math.Log(1 - p);
        for (var i = 0; i <= k; i++)
        {
            sum += Math.Exp(logTerm);
            logTerm += Math.Log((double)(n - i) / (i + 1)) + Math.Log(p / (1 - p));
        }

        return Math.Min(1, sum);
    }
}
