namespace Switchback.Bench.Fleet;

/// <summary>Every trial, which replica took the single-replica traffic, and which one led.</summary>
internal sealed record DetectionResults(IReadOnlyList<DetectionTrial> Trials, int SingleReplica, int Leader);
