namespace Switchback.Bench.Detection;

/// <summary>Log-bucketed latencies with 1 % relative accuracy (the gateway's sketch geometry); mergeable counts.</summary>
internal sealed class Histogram
{
    public const int Buckets = 1100;
    private const double MinMs = 1;
    private static readonly double LogGamma = Math.Log(1.01 / 0.99);
    private readonly long[] _counts = new long[Buckets];

    public long Count { get; private set; }

    public ReadOnlySpan<long> Counts => _counts;

    public static int BucketOf(double ms) => Math.Clamp((int)Math.Ceiling(Math.Log(Math.Max(ms, MinMs) / MinMs) / LogGamma), 0, Buckets - 1);

    /// <summary>The representative value of a bucket (its geometric middle), within 1 % of every value in it.</summary>
    public static double ValueOf(int bucket) => MinMs * Math.Exp((bucket - 0.5) * LogGamma);

    public void Add(int bucket)
    {
        _counts[bucket]++;
        Count++;
    }

    public void Clear()
    {
        Array.Clear(_counts);
        Count = 0;
    }

    public double Quantile(double q)
    {
        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        var seen = 0L;
        for (var i = 0; i < Buckets; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return ValueOf(i);
            }
        }

        return ValueOf(Buckets - 1);
    }
}
