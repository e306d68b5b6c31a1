namespace Switchback.Storage.Fleet;

/// <summary>
/// One closed unit of a rollout as a replica ships it (docs/statistics.md): the store keeps one per rollout and key, so a
/// key whose requests reached several replicas is counted once.
/// </summary>
/// <param name="RolloutId">The rollout (its routing salt).</param>
/// <param name="KeyHash">The salted key hash; for a request without a key, a random id of the replica's.</param>
/// <param name="Second">The Unix second the unit closed in.</param>
/// <param name="Replica">The replica that formed it.</param>
/// <param name="Deployment">The deployment.</param>
/// <param name="Version">The version of its arm.</param>
/// <param name="Candidate">Whether that arm is the candidate.</param>
/// <param name="WeightBps">Its assignment probability in basis points.</param>
/// <param name="Failures">Failure classes as bits.</param>
/// <param name="MaxLatencyMs">Its slowest successful request; null when none succeeded.</param>
/// <param name="MaxTtftMs">Its slowest time to first token; null when it streamed nothing.</param>
/// <param name="Requests">Requests it holds.</param>
public sealed record UnitRow(string RolloutId, long KeyHash, long Second, string Replica, string Deployment, int Version, bool Candidate, int WeightBps, int Failures, double? MaxLatencyMs, double? MaxTtftMs, int Requests)
{
    /// <summary>0 for a key's first unit; for a later one, the weight at which the key was last seen on the baseline.</summary>
    public int PriorBps { get; init; }

    /// <summary>The stream of the unit: 0 requests, 1 a key's first evaluated answer, 2 its first feedback (docs/statistics.md §1b).</summary>
    public int Kind { get; init; }
}
