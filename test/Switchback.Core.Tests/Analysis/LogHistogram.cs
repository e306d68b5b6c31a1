namespace Switchback.Core.Tests.Analysis;

/// <summary>A log-bucketed latency histogram with 1 % relative accuracy, as a gateway sketch would give.</summary>
internal sealed class LogHistogram
{
    private const double Gamma = 1.0202;
    private static readonly double LogGamma = Math.Log(Gamma);
    private readonly long[] _counts = new long[1200];
    private long _total;

    public long Count => _total;

    public void Add(double milliseconds)
    {
        var index = Math.Clamp((int)Math.Ceiling(Math.Log(Math.Max(milliseconds, 0.01) / 0.01) / LogGamma), 0, _counts.Length - 1);
        _counts[index]++;
        _total++;
    }

    public double Quantile(double q)
    {
        var rank = (long)Math.Ceiling(q * _total);
        var seen = 0L;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return 0.01 * Math.Pow(Gamma, i);
            }
        }

        return 0.01 * Math.Pow(Gamma, _counts.Length - 1);
    }
}
