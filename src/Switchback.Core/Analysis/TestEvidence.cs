namespace Switchback.Core.Analysis;

/// <summary>The evidence behind one guardrail decision, stored with it and shown to people.</summary>
/// <param name="BaselineRequests">Baseline requests seen by the test so far.</param>
/// <param name="BaselineEvents">Baseline events seen by the test so far.</param>
/// <param name="CandidateRequests">Candidate requests seen by the test so far.</param>
/// <param name="CandidateEvents">Candidate events seen by the test so far.</param>
/// <param name="EValue">The mixture e-value now (held finite at <see cref="double.MaxValue"/>).</param>
/// <param name="Threshold">The e-value at or above which the guardrail is breached: 1 / <paramref name="Alpha"/>.</param>
/// <param name="PValue">The anytime-valid p-value: min(1, 1 / the largest e-value so far).</param>
/// <param name="Alpha">This guardrail's share of the rollout's alpha.</param>
public sealed record TestEvidence(long BaselineRequests, long BaselineEvents, long CandidateRequests, long CandidateEvents,
    double EValue, double Threshold, double PValue, double Alpha)
{
    /// <summary>Whether the evidence breaches the guardrail (the e-value reached the threshold).</summary>
    public bool Breached => EValue >= Threshold;
}
