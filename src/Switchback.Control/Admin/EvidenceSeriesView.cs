using Switchback.Storage.Fleet;

namespace Switchback.Control.Admin;

/// <summary>The answer of <c>GET …/rollouts/{id}/evidence/series</c>: per guardrail of the rollout, its points oldest first.</summary>
internal sealed record EvidenceSeriesView(string Deployment, string Rollout, bool Finished, int MaxPointsStored, IReadOnlyList<EvidenceSeriesView.GuardrailSeries> Guardrails)
{
    /// <summary>One guardrail's series; <paramref name="Threshold"/> is its latest point's (null without points).</summary>
    internal sealed record GuardrailSeries(string Guardrail, double? Threshold, IReadOnlyList<Point> Points);

    /// <summary>What the guardrail's test stood at, at <paramref name="At"/>.</summary>
    internal sealed record Point(DateTimeOffset At, double EValue, long BaselineEvents, long BaselineTrials, long CandidateEvents, long CandidateTrials, bool ByUnit)
    {
        public static Point Of(EvidencePointRow row)
            => new(row.At, row.EValue, row.BaselineEvents, row.BaselineTrials, row.CandidateEvents, row.CandidateTrials, row.ByUnit);
    }
}
