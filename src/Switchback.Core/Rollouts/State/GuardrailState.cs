using Switchback.Core.Analysis;

namespace Switchback.Core.Rollouts;

/// <summary>One guardrail's running state for the whole rollout.</summary>
/// <param name="Test">For comparisons and rate rules: the sequential test's state (a rate rule's counts in its candidate fields); null for counts.</param>
/// <param name="Threshold">
/// For quantile signals: the baseline quantile T the controller must use for the NEXT interval's exceedance counts
/// (it reported it with the previous observation); null until the first observation.
/// </param>
/// <param name="TotalEvents">For <c>max:</c> count rules: events over the whole rollout.</param>
/// <param name="WindowEvents">For rate rules: events since the step started.</param>
/// <param name="WindowTrials">For rate rules: requests (or comparisons) since the step started.</param>
/// <param name="Breached">Whether it has breached; a soft one then stays quiet after an operator resumes.</param>
/// <param name="Last">The evidence of the latest judgement.</param>
/// <param name="StepBaseline">For comparisons: what the baseline arm contributed to the test since the step started (requests, units, or feedback and evaluations, by signal).</param>
/// <param name="NoHarm">For comparisons under <c>promote_when: no_harm_shown</c>: the mirror test's state (no harm beyond the margin), over the whole rollout.</param>
/// <param name="StepCandidate">For comparisons: the same for the candidate arm. A step passes only when both reach the guardrail's minimum.</param>
public sealed record GuardrailState(
    CountTestState? Test,
    double? Threshold,
    long TotalEvents,
    long WindowEvents,
    long WindowTrials,
    bool Breached,
    GuardrailEvidence? Last,
    long StepBaseline = 0,
    long StepCandidate = 0,
    CountTestState? NoHarm = null);
