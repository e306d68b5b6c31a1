namespace Switchback.Core.Analysis;

/// <summary>Log-space arithmetic that neither overflows nor loses small terms.</summary>
internal static class LogMath
{
    /// <summary>log(Σ exp(xᵢ)), computed around the largest term.</summary>
    public static double LogSumExp(ReadOnlySpan<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        if (double.IsNegativeInfinity(max))
        {
            return max;
        }

        var sum = 0.0;
        foreach (var v in values)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>exp(x), held at <see cref="double.MaxValue"/> so the value stays finite (and serialisable as JSON).</summary>
    public static double ExpFinite(double x) => x >= Math.Log(double.MaxValue) ? double.MaxValue : Math.Exp(x);
}
