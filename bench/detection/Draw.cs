namespace Switchback.Bench.Detection;

/// <summary>Random draws for the simulations; every caller passes a seeded <see cref="Random"/>.</summary>
internal static class Draw
{
    public static long Poisson(Random rng, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 30)
        {
            // Normal approximation is ample for request counts of tens per second and up.
            return Math.Max(0, (long)Math.Round(mean + (Math.Sqrt(mean) * Normal(rng))));
        }

        var limit = Math.Exp(-mean);
        var k = 0L;
        var product = rng.NextDouble();
        while (product > limit)
        {
            k++;
            product *= rng.NextDouble();
        }

        return k;
    }

    /// <summary>Binomial by inversion of the CDF (cost grows with n·p), normal approximation when both tails are large.</summary>
    public static long Binomial(Random rng, long n, double p)
    {
        if (n <= 0 || p <= 0)
        {
            return 0;
        }

        if (p >= 1)
        {
            return n;
        }

        var q = 1 - p;
        if (n * p > 50 && n * q > 50)
        {
            return Math.Clamp((long)Math.Round((n * p) + (Math.Sqrt(n * p * q) * Normal(rng))), 0, n);
        }

        var u = rng.NextDouble();
        var probability = Math.Pow(q, n);
        var cumulative = probability;
        var k = 0L;
        while (u > cumulative && k < n)
        {
            probability *= (double)(n - k) / (k + 1) * p / q;
            k++;
            cumulative += probability;
        }

        return k;
    }

    public static double Normal(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static double LogNormal(Random rng, double median, double sigma) => median * Math.Exp(sigma * Normal(rng));
}
