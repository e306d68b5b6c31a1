using System.Globalization;

namespace Switchback.Core.Analysis;

/// <summary>
/// Latency guardrails reduce to counts: in each interval, an event is a baseline request slower than T, or a
/// candidate request slower than T × <c>max_ratio</c>, where T is the baseline's quantile for the signal estimated
/// from baseline data strictly before the interval (predictable). The counts then go to a <see cref="CountRatioTest"/>
/// with max ratio 1. See docs/statistics.md.
/// </summary>
public static class LatencyThreshold
{
    /// <summary>The baseline quantile whose exceedances a latency signal counts.</summary>
    /// <param name="signal"><c>latency</c> or <c>ttft</c> (stochastic order: the median), or <c>latency_pNN</c> / <c>ttft_pNN</c> with NN 50 to 99.9 (e.g. <c>latency_p95</c> → 0.95, <c>latency_p999</c> → 0.999).</param>
    /// <exception cref="ArgumentException">The signal is not a latency signal.</exception>
    public static double QuantileFor(string signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        foreach (var prefix in (ReadOnlySpan<string>)["latency", "ttft"])
        {
            if (signal == prefix)
            {
                return 0.5;
            }

            if (signal.StartsWith(prefix + "_p", StringComparison.Ordinal))
            {
                var digits = signal[(prefix.Length + 2)..];
                if (digits.Length >= 2 && digits.All(char.IsAsciiDigit)
                    && double.Parse("0." + digits, CultureInfo.InvariantCulture) is var q and >= 0.5 and < 1)
                {
                    return q;
                }
            }
        }

        throw new ArgumentException(
            $"'{signal}' is not a latency signal: expected latency, ttft, or latency_pNN / ttft_pNN with NN from 50 to 999 (e.g. latency_p95)",
            nameof(signal));
    }

    /// <summary>Whether a candidate request's latency counts as an event: latency / <paramref name="maxRatio"/> above <paramref name="threshold"/>.</summary>
    public static bool CandidateExceeds(double latency, double threshold, double maxRatio) => latency / maxRatio > threshold;

    /// <summary>Whether a baseline request's latency counts as an event: above <paramref name="threshold"/>.</summary>
    public static bool BaselineExceeds(double latency, double threshold) => latency > threshold;
}
