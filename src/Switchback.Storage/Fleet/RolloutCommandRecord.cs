namespace Switchback.Storage.Fleet;

/// <summary>
/// An operator's rollout command given to a replica that does not lead: persisted, then applied once by the leader, which
/// stores <see cref="Outcome"/> (JSON) in the same transaction as the rollout state it changed.
/// </summary>
public sealed record RolloutCommandRecord(long Id, string Deployment, string Command, string? Reason, string Actor, DateTimeOffset CreatedAt, DateTimeOffset? DoneAt, string? Outcome);
