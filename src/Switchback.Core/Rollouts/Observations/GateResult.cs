namespace Switchback.Core.Rollouts;

/// <summary>The offline gate's outcome, reported by the controller after <see cref="RunGateAction"/>.</summary>
/// <param name="CandidateScore">The candidate's score on the dataset, 0..1.</param>
/// <param name="StableScore">Stable's score on the same dataset, when measured.</param>
public sealed record GateResult(double CandidateScore, double? StableScore);
