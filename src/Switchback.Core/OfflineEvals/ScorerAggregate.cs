namespace Switchback.Core.OfflineEvals;

/// <summary>Aggregate of the cases of one scorer type, or of all cases.</summary>
/// <param name="Count">Cases.</param>
/// <param name="MeanScore">Mean score (0 when there are no cases).</param>
/// <param name="PassRate">Share of cases that passed.</param>
/// <param name="Errors">Cases whose call failed.</param>
public sealed record ScorerAggregate(int Count, double MeanScore, double PassRate, int Errors)
{
    /// <summary>The aggregate of <paramref name="cases"/>.</summary>
    public static ScorerAggregate Of(IReadOnlyCollection<EvalCaseResult> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        return cases.Count == 0
            ? new ScorerAggregate(0, 0, 0, 0)
            : new ScorerAggregate(cases.Count, cases.Average(c => c.Score), (double)cases.Count(c => c.Passed) / cases.Count, cases.Count(c => c.Error));
    }
}
