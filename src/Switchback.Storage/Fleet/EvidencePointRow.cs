namespace Switchback.Storage.Fleet;

/// <summary>
/// One point of a guardrail's evidence over a rollout (docs/api.md, "Evidence series"): what the sequential test stood at, at
/// one moment, as the leading controller recorded it.
/// </summary>
/// <param name="RolloutId">The rollout.</param>
/// <param name="Guardrail">The guardrail key, e.g. <c>error_rate:compare</c>.</param>
/// <param name="At">When the controller judged it (stored to the millisecond; one point per rollout, guardrail and millisecond).</param>
/// <param name="EValue">The e-value then.</param>
/// <param name="Threshold">The e-value at which the guardrail is breached; null before the test has any data (its e-value is then 1 by definition).</param>
/// <param name="BaselineEvents">Baseline events counted by the test so far.</param>
/// <param name="BaselineTrials">Baseline requests (or units, or feedback) counted so far.</param>
/// <param name="CandidateEvents">Candidate events counted so far.</param>
/// <param name="CandidateTrials">Candidate requests (or units, or feedback) counted so far.</param>
/// <param name="ByUnit">Whether the counts are units (keys) rather than requests.</param>
public sealed record EvidencePointRow(
    string RolloutId,
    string Guardrail,
    DateTimeOffset At,
    double EValue,
    double? Threshold,
    long BaselineEvents,
    long BaselineTrials,
    long CandidateEvents,
    long CandidateTrials,
    bool ByUnit)
{
    /// <summary>The longest rollout id or guardrail key stored.</summary>
    public const int MaxKeyLength = 200;
}
