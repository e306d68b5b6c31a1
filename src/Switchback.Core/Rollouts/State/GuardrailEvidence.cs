using Switchback.Core.Analysis;

namespace Switchback.Core.Rollouts;

/// <summary>What one guardrail saw when it was last judged: the test's counts and statistic, or the absolute count and limit.</summary>
/// <param name="Guardrail">The guardrail key, e.g. <c>error_rate:compare</c>.</param>
/// <param name="Severity">Hard or soft.</param>
/// <param name="Breached">Whether it is over its limit.</param>
/// <param name="Test">For comparisons: counts per arm, e-value, threshold, anytime p-value and α share; for rate rules the same for the one-sample test (candidate counts only).</param>
/// <param name="Events">For absolute rules: events counted over the whole rollout.</param>
/// <param name="Trials">For absolute rate rules: the requests (or comparisons) the events are out of, over the whole rollout.</param>
/// <param name="Limit">For absolute rules: the manifest's max or min.</param>
public sealed record GuardrailEvidence(
    string Guardrail,
    GuardrailSeverity Severity,
    bool Breached,
    TestEvidence? Test,
    long? Events,
    long? Trials,
    double? Limit)
{
    /// <summary>
    /// Whether a comparison's counts include units (keys during a canary, docs/statistics.md §1b) rather than only requests: the
    /// summary then says "units", since a heavy user counts once.
    /// </summary>
    public bool ByUnit { get; init; }

    /// <summary>One line for alerts and <c>rollout status</c>.</summary>
    public string Summary => Trials is { } n
        ? $"{Guardrail}: {Events}/{n} = {(n == 0 ? 0 : (double)Events!.Value / n):G3} (limit {Limit:G4})"
            + (Test is { } r ? $", e-value {r.EValue:G4} (reject at {r.Threshold:G4}), p {r.PValue:G3}" : string.Empty)
        : Test is { } t
            ? $"{Guardrail}: baseline {t.BaselineEvents}/{t.BaselineRequests}{(ByUnit ? " units" : string.Empty)}, candidate {t.CandidateEvents}/{t.CandidateRequests}{(ByUnit ? " units" : string.Empty)}, e-value {t.EValue:G4} (reject at {t.Threshold:G4}), p {t.PValue:G3}"
            : $"{Guardrail}: {Events} events (max {Limit:G4})";
}
