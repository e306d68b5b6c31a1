namespace Switchback.Core.Rollouts;

/// <summary>A validated guardrail: a rule on one signal, written before the rollout starts.</summary>
/// <param name="Signal">The signal name, e.g. <c>error_rate</c>, <c>latency_p95</c>.</param>
/// <param name="Kind">The shape of the signal.</param>
/// <param name="Rule">Compare with the baseline, or an absolute max/min.</param>
/// <param name="MaxRatio">For <see cref="GuardrailRule.CompareBaseline"/>: the candidate may be this many times worse (default 1.0).</param>
/// <param name="Limit">For <see cref="GuardrailRule.Max"/>/<see cref="GuardrailRule.Min"/>: the limit (events for counts, a rate 0..1 otherwise).</param>
/// <param name="Severity">Hard rolls back, soft pauses.</param>
/// <param name="MinRequests">
/// For an absolute rate limit: candidate requests in the judged data before it acts. For a comparison: what each arm must
/// contribute during a canary step (at least 1) before the step may pass. Ignored for counts.
/// </param>
public sealed record GuardrailSpec(
    string Signal,
    SignalKind Kind,
    GuardrailRule Rule,
    double MaxRatio,
    double Limit,
    GuardrailSeverity Severity,
    long MinRequests)
{
    /// <summary>The stable key of this guardrail in state and evidence, e.g. <c>error_rate:compare</c>.</summary>
    public string Key => Signal + ":" + Rule switch
    {
        GuardrailRule.CompareBaseline => "compare",
        GuardrailRule.Max => "max",
        _ => "min",
    };

    /// <summary>For quantile signals, the quantile compared (e.g. 0.95 for <c>latency_p95</c>); null otherwise.</summary>
    public double? Quantile => Kind == SignalKind.Quantile ? Signals.QuantileOf(Signal) : null;
}
