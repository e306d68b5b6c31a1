namespace Switchback.Core.Rollouts;

/// <summary>The offline gate's outcome, reported by the controller after <see cref="RunGateAction"/>.</summary>
/// <param name="CandidateScore">The candidate's score on the dataset, 0..1.</param>
/// <param name="StableScore">Stable's score on the same dataset, when measured.</param>
public sealed record GateResult(double CandidateScore, double? StableScore)
{
    /// <summary>The stored reports behind the scores (ids and aggregates), appended to the decision's reason when set.</summary>
    public string? Summary { get; init; }
}
