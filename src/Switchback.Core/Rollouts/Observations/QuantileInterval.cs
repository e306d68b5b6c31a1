using System.Collections.Immutable;
using Switchback.Core.Analysis;

namespace Switchback.Core.Rollouts;

/// <summary>
/// One interval of a quantile signal (latency, response length), reduced to counts the sequential test takes: requests per arm
/// and how many exceeded the threshold T (baseline value &gt; T, candidate value / max_ratio &gt; T).
/// </summary>
/// <param name="Exceedances">Requests and exceedances per arm.</param>
/// <param name="ThresholdUsed">The T the counts were taken against: must be the state's <see cref="GuardrailState.Threshold"/>; null when there was none.</param>
/// <param name="BaselineQuantile">The baseline's quantile over all its data up to the interval's end: the T for the next interval.</param>
public sealed record QuantileInterval(ArmInterval Exceedances, double? ThresholdUsed, double BaselineQuantile)
{
    /// <summary>
    /// The exceedances per group of units that shared an assignment probability, when the signal was measured by units; the
    /// test takes each in turn, and <see cref="Exceedances"/> is their sum (for display).
    /// </summary>
    public ImmutableArray<ArmInterval> Batches { get; init; } = [];
}
