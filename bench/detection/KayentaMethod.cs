namespace Switchback.Bench.Detection;

/// <summary>
/// Kayenta-style: every interval, on all data so far, a one-sided Mann-Whitney U test of candidate latency against
/// baseline latency and a one-sided two-proportion z-test of error rates, each at 0.05; the canary is rolled back
/// at the first interval where either fails. Latencies are binned at 1 % (ties handled in the variance).
/// </summary>
internal sealed class KayentaMethod(int intervalSeconds) : IMethod
{
    private const double Z95 = 1.6448536;

    public bool Observe(Second second, World world)
    {
        if ((second.Index + 1) % intervalSeconds != 0 || world.Baseline.Count < 2 || world.Candidate.Count < 2)
        {
            return false;
        }

        return MannWhitneyZ(world.Baseline, world.Candidate) > Z95 || ErrorZ(world) > Z95;
    }

    /// <summary>z of U = #(candidate &gt; baseline) + ½ #ties, normal approximation with the tie correction.</summary>
    internal static double MannWhitneyZ(Histogram baseline, Histogram candidate)
    {
        double nb = baseline.Count, nc = candidate.Count, n = nb + nc;
        double u = 0, below = 0, ties = 0;
        var b = baseline.Counts;
        var c = candidate.Counts;
        for (var i = 0; i < Histogram.Buckets; i++)
        {
            u += c[i] * (below + (0.5 * b[i]));
            below += b[i];
            double t = b[i] + c[i];
            ties += (t * t * t) - t;
        }

        var variance = nb * nc / 12 * ((n + 1) - (ties / (n * (n - 1))));
        return variance > 0 ? (u - (nb * nc / 2)) / Math.Sqrt(variance) : 0;
    }

    private static double ErrorZ(World w)
    {
        var pooled = (double)(w.BaselineErrors + w.CandidateErrors) / (w.BaselineRequests + w.CandidateRequests);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / w.BaselineRequests) + (1.0 / w.CandidateRequests)));
        return se > 0 ? (((double)w.CandidateErrors / w.CandidateRequests) - ((double)w.BaselineErrors / w.BaselineRequests)) / se : 0;
    }
}
