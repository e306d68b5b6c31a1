namespace Switchback.Bench.Fleet;

/// <summary>
/// One trial: the mode, how it ended, the two times (seconds), the leader's rollback (its own switch and the fleet's, ms),
/// the guardrail's evidence, and the traffic.
/// </summary>
internal sealed record DetectionTrial(
    int Pair,
    bool Spread,
    string Where,
    string Phase,
    double? DetectionSeconds,
    double? AllOnStableSeconds,
    double? LeaderLocalMs,
    double? LeaderFleetMs,
    string Evidence,
    LoadResult Traffic)
{
    public string Outcome => Phase == "rolled_back" ? "rolled back" : Phase;
}
