namespace Switchback.Storage.Fleet;

/// <summary>
/// One heartbeat of a replica: who it is, the routing it applies, and how far its signal windows are shipped. Written with the
/// windows of the same report in one transaction, so a reader that sees <see cref="SignalsThrough"/> also sees every window before it.
/// </summary>
/// <param name="Id">The replica's id, unique per process.</param>
/// <param name="Address">The URL it listens on.</param>
/// <param name="SoftwareVersion">Switchback's version.</param>
/// <param name="StartedAt">When the process started (its own clock).</param>
/// <param name="At">When this report was made (its own clock).</param>
/// <param name="RoutingEpoch">The routing epoch its gateway applies.</param>
/// <param name="SignalsThrough">Unix second: every signal window before it has been shipped (with this report or earlier).</param>
/// <param name="Leader">Whether it holds the controller lease.</param>
/// <param name="Stats">Counters shown by <c>GET /api/v1/replicas</c> (dropped samples, backlog…), as a JSON object.</param>
public sealed record ReplicaReport(
    string Id,
    string Address,
    string SoftwareVersion,
    DateTimeOffset StartedAt,
    DateTimeOffset At,
    long RoutingEpoch,
    long SignalsThrough,
    bool Leader,
    string Stats);
