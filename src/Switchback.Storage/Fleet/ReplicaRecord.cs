namespace Switchback.Storage.Fleet;

/// <summary>A replica as stored: its last report, how many it made (<see cref="Beats"/>), and its state.</summary>
public sealed record ReplicaRecord(
    string Id,
    string Address,
    string SoftwareVersion,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    long Beats,
    long RoutingEpoch,
    DateTimeOffset? RoutingAppliedAt,
    long SignalsThrough,
    bool Leader,
    ReplicaState State,
    DateTimeOffset? LostAt,
    string Stats);
