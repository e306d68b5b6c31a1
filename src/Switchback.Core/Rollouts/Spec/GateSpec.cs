namespace Switchback.Core.Rollouts;

/// <summary>The offline gate checked before any user traffic: an eval run on a golden dataset.</summary>
/// <param name="Dataset">Path of the golden dataset (JSONL), as written in the manifest.</param>
/// <param name="MinScore">The candidate's score must be at least this (0..1), when set.</param>
/// <param name="MaxDropVsStable">The candidate may score at most this much below stable (0..1), when set.</param>
public sealed record GateSpec(string Dataset, double? MinScore, double? MaxDropVsStable);
