using Switchback.Control.Tests.Statistics;

namespace Switchback.Bench.Detection;

/// <summary>
/// Kayenta's NetflixACAJudge as it ships, re-implemented from its published behaviour for the clustered study: each metric's
/// canary series against the baseline series by the Mann–Whitney classifier (tolerance 0.25, confidence 0.98, direction
/// "either", i.e. two-sided; effect size the mean ratio with allowed increase and decrease 1.0), the interval of the location
/// shift and the Hodges–Lehmann estimate by the normal approximation with continuity and tie corrections (R's
/// <c>wilcox.test(conf.int = TRUE)</c>, which Kayenta ports); NaN points replaced by 0 (the default NaN strategy); one group
/// per metric, equally weighted; a judgement scores 100 × the share of metrics that pass, and the canary fails at the first
/// judgement below the marginal threshold 75 (with two metrics, any metric High or Low fails it). Judgements run every
/// <c>intervalMinutes</c> on all minutes so far (a growing lookback), each minute one point of each series.
/// </summary>
internal static class NetflixAcaJudge
{
    private const double Tolerance = 0.25;
    private const double Confidence = 0.98;
    private const double MarginalScore = 75;

    /// <summary>The minute (1-based) at whose judgement the canary fails, or null if it never does.</summary>
    public static int? FirstFailure(IReadOnlyList<MinuteOfTraffic> minutes, int intervalMinutes, Random noise)
    {
        for (var end = intervalMinutes; end <= minutes.Count; end += intervalMinutes)
        {
            var window = minutes.Take(end).ToList();
            var errors = Classify(Series(window, m => m.Baseline.FailureRate), Series(window, m => m.Candidate.FailureRate), noise);
            var latency = Classify(Series(window, m => m.Baseline.P95), Series(window, m => m.Candidate.P95), noise);
            // A group whose metric could not be classified (Error) has no data and counts as 100.
            var score = 50.0 * new[] { errors, latency }.Count(c => c is Classification.Pass or Classification.Error);
            if (score < MarginalScore)
            {
                return end;
            }
        }

        return null;
    }

    public enum Classification
    {
        Pass,
        High,
        Low,
        Error,
    }

    /// <summary>The Mann–Whitney classifier on one metric: control (baseline) against experiment (canary).</summary>
    public static Classification Classify(double[] control, double[] experiment, Random noise)
    {
        if (control.Length == 0 || experiment.Length == 0)
        {
            return Classification.Pass; // no data, NaN strategy "none": not a failure
        }

        if (control.Order().SequenceEqual(experiment.Order()) || control.Concat(experiment).Distinct().Count() == 1)
        {
            return Classification.Pass;
        }

        if (control.Distinct().Count() == 1 && experiment.Distinct().Count() == 1)
        {
            control = AddNoise(control, noise);
            experiment = AddNoise(experiment, noise);
        }

        var interval = ShiftInterval(experiment, control, Confidence);
        if (interval is not { } mw)
        {
            return Classification.Error;
        }

        var critical = Tolerance * Math.Abs(mw.Estimate);
        var ratio = experiment.Average() / control.Average();
        if (mw.Lower > critical && (double.IsNaN(ratio) || ratio >= 1.0))
        {
            return Classification.High;
        }

        return mw.Upper < -critical && (double.IsNaN(ratio) || ratio <= 1.0) ? Classification.Low : Classification.Pass;
    }

    /// <summary>
    /// The confidence interval of the location shift x − y and its Hodges–Lehmann estimate: the roots in μ of the standardised
    /// rank-sum statistic of (x − μ, y) against the normal quantiles, with continuity and tie corrections; null when every
    /// observation is tied (Kayenta throws, and the metric's classification is Error).
    /// </summary>
    public static (double Lower, double Upper, double Estimate)? ShiftInterval(double[] x, double[] y, double confidence)
    {
        var z = InverseNormal(1 - ((1 - confidence) / 2));
        double muMin = x.Min() - y.Max(), muMax = x.Max() - y.Min();
        try
        {
            return (Root(z), Root(-z), Solve(0));
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        double Root(double quantile)
        {
            var lower = Standardised(muMin, x, y) - quantile;
            var upper = Standardised(muMax, x, y) - quantile;
            return lower <= 0 ? muMin : upper >= 0 ? muMax : Bisect(quantile);
        }

        // The statistic is a step function: where it is exactly zero over an interval, the estimate is that interval's middle
        // (the Hodges–Lehmann estimate, the median of the pairwise differences).
        double Solve(double quantile) => (Bisect(quantile) + Bisect(quantile, pastZero: true)) / 2;

        // The statistic falls as μ rises; bisection finds where it crosses the quantile (a jump of the step function), or with
        // pastZero where it leaves a flat stretch at exactly the quantile.
        double Bisect(double quantile, bool pastZero = false)
        {
            double lo = muMin, hi = muMax;
            for (var i = 0; i < 200 && hi - lo > 1e-12 * Math.Max(1, Math.Abs(hi)); i++)
            {
                var mid = (lo + hi) / 2;
                var value = Standardised(mid, x, y) - quantile;
                if (value > 0 || (pastZero && value == 0))
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }

            return (lo + hi) / 2;
        }
    }

    private static double Standardised(double mu, double[] x, double[] y)
    {
        var n = x.Length + y.Length;
        var values = new (double Value, bool IsX)[n];
        for (var i = 0; i < x.Length; i++)
        {
            values[i] = (x[i] - mu, true);
        }

        for (var j = 0; j < y.Length; j++)
        {
            values[x.Length + j] = (y[j], false);
        }

        Array.Sort(values, (a, b) => a.Value.CompareTo(b.Value));
        double rankSumX = 0, ties = 0;
        for (var start = 0; start < n;)
        {
            var end = start;
            while (end + 1 < n && values[end + 1].Value == values[start].Value)
            {
                end++;
            }

            var rank = ((start + end) / 2.0) + 1;
            var count = end - start + 1;
            for (var k = start; k <= end; k++)
            {
                rankSumX += values[k].IsX ? rank : 0;
            }

            ties += ((double)count * count * count) - count;
            start = end + 1;
        }

        double nx = x.Length, ny = y.Length;
        var dz = rankSumX - (nx * (nx + 1) / 2) - (nx * ny / 2);
        var correction = Math.Sign(dz) * 0.5;
        var sigma = Math.Sqrt(nx * ny / 12 * ((nx + ny + 1) - (ties / ((nx + ny) * (nx + ny - 1)))));
        return sigma == 0 ? throw new InvalidOperationException("every observation is tied") : (dz - correction) / sigma;
    }

    private static double[] Series(List<MinuteOfTraffic> minutes, Func<MinuteOfTraffic, double> value) =>
        minutes.Select(m => value(m) is var v && double.IsNaN(v) ? 0 : v).ToArray();

    private static double[] AddNoise(double[] values, Random rng)
    {
        var scale = values[0] * 1e-5;
        return values.Select(v => v + (scale * Switchback.Core.Tests.Analysis.Draw.Normal(rng))).ToArray();
    }

    /// <summary>The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    internal static double InverseNormal(double p)
    {
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        if (p < 0.02425)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return (((((((c[0] * q) + c[1]) * q) + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((((d[0] * q) + d[1]) * q) + d[2]) * q + d[3]) * q + 1);
        }

        if (p > 1 - 0.02425)
        {
            return -InverseNormal(1 - p);
        }

        var r = p - 0.5;
        var s = r * r;
        return (((((((a[0] * s) + a[1]) * s) + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / ((((((((b[0] * s) + b[1]) * s) + b[2]) * s + b[3]) * s) + b[4]) * s + 1);
    }
}
