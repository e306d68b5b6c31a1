namespace Switchback.Storage.Fleet;

/// <summary>
/// What replicas share through the store besides the registry: the controller lease, replica heartbeats with their signal
/// windows, the routing epoch, rollout commands for the leader, and who owns each response and conversation. None of these writes takes the registry's writer lock or
/// appends to the audit log (they are not changes of what serves users). Thread-safe; safe from several processes.
/// </summary>
public interface IFleetStore
{
    /// <summary>Where this process hears about changes other replicas (and it) made.</summary>
    StoreNotifications Notifications { get; }

    /// <summary>
    /// Receives other replicas' notifications until <paramref name="cancellationToken"/> fires, reconnecting after a lost
    /// connection (each connect raises <see cref="StoreNotifications.Resync"/>). A store with one server (SQLite) only waits.
    /// </summary>
    Task ListenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A secret every replica shares (for example the key that signs request ids): the stored value of <paramref name="name"/>,
    /// or <paramref name="candidate"/> stored now when there is none, so the first replica's candidate wins for all.
    /// </summary>
    Task<string> GetOrCreateSecretAsync(string name, string candidate, CancellationToken cancellationToken = default);

    /// <summary>The controller lease, or null when nobody ever held it.</summary>
    Task<LeaseRecord?> ReadLeaseAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the lease for <paramref name="holder"/> in the next term, if it is still exactly <paramref name="seen"/> (null:
    /// nobody ever held it). The caller decides that <paramref name="seen"/> is expired or released; the store only makes the
    /// take-over atomic. Returns the new record, or null when someone else changed the lease first.
    /// </summary>
    Task<LeaseRecord?> TryTakeLeaseAsync(string holder, LeaseRecord? seen, CancellationToken cancellationToken = default);

    /// <summary>Renews the lease in <paramref name="fence"/>'s term; null when the lease has moved on (leadership lost).</summary>
    Task<LeaseRecord?> RenewLeaseAsync(LeaderFence fence, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up (shutdown) so a follower may take it at once; does nothing if it has moved on.</summary>
    Task ReleaseLeaseAsync(LeaderFence fence, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a replica's heartbeat and its new signal windows in one transaction. A replica marked
    /// <see cref="ReplicaState.Lost"/> is refused (<see cref="ReplicaReportStatus.Lost"/>) unless <paramref name="rejoin"/>;
    /// windows already stored (a retried report) are kept as they are, so nothing is counted twice.
    /// </summary>
    Task<ReplicaReportStatus> ReportReplicaAsync(ReplicaReport report, IReadOnlyList<SignalWindowRow> windows, bool rejoin, CancellationToken cancellationToken = default)
        => ReportReplicaAsync(report, windows, [], rejoin, cancellationToken);

    /// <summary>
    /// As above, with the rollouts' closed units of the same seconds; a unit whose rollout and key the store already holds
    /// (the key reached another replica too) is dropped, so every key counts once.
    /// </summary>
    Task<ReplicaReportStatus> ReportReplicaAsync(ReplicaReport report, IReadOnlyList<SignalWindowRow> windows, IReadOnlyList<UnitRow> units, bool rejoin, CancellationToken cancellationToken = default);

    /// <summary>The units of rollout <paramref name="rolloutId"/> that closed in [<paramref name="fromSecond"/>, <paramref name="toSecond"/>).</summary>
    Task<IReadOnlyList<UnitRow>> ReadUnitsAsync(string rolloutId, long fromSecond, long toSecond, CancellationToken cancellationToken = default);

    /// <summary>Marks a replica stopped (graceful shutdown, after its last report).</summary>
    Task StopReplicaAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks a replica lost, if it has not reported since <paramref name="beatsSeen"/>; a fenced write (the leader's call).
    /// Returns whether it was marked.
    /// </summary>
    Task<bool> MarkReplicaLostAsync(string id, long beatsSeen, LeaderFence fence, CancellationToken cancellationToken = default);

    /// <summary>Every replica that ever reported and was not forgotten, by id.</summary>
    Task<IReadOnlyList<ReplicaRecord>> ListReplicasAsync(CancellationToken cancellationToken = default);

    /// <summary>Records that a replica's gateway applies routing up to <paramref name="epoch"/> (never moves it back).</summary>
    Task ReportRoutingAppliedAsync(string id, long epoch, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The routing epoch: it grows by one with every stored routing change of any deployment.</summary>
    Task<long> GetRoutingEpochAsync(CancellationToken cancellationToken = default);

    /// <summary>The windows of <paramref name="deployment"/> whose second is in [<paramref name="fromSecond"/>, <paramref name="toSecond"/>), every replica.</summary>
    Task<IReadOnlyList<SignalWindowRow>> ReadSignalWindowsAsync(string deployment, long fromSecond, long toSecond, CancellationToken cancellationToken = default);

    /// <summary>Deletes windows older than <paramref name="beforeSecond"/> and replicas stopped or lost before <paramref name="forgetBefore"/>; returns the windows deleted.</summary>
    Task<long> PruneAsync(long beforeSecond, DateTimeOffset forgetBefore, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records who owns responses and conversations (docs/gateway.md, "Conversation affinity"), in one transaction; an entry the
    /// store already holds for the same kind and id is kept as it is (the first owner wins, and a retried batch changes nothing).
    /// </summary>
    Task RecordResponseOwnersAsync(IReadOnlyList<ResponseOwnerRow> rows, CancellationToken cancellationToken = default);

    /// <summary>The owner recorded for <paramref name="kind"/> and <paramref name="id"/> by any replica, or null.</summary>
    Task<ResponseOwnerRow?> FindResponseOwnerAsync(AffinityKind kind, string id, CancellationToken cancellationToken = default);

    /// <summary>Forgets one entry (its response was deleted upstream); does nothing when there is none.</summary>
    Task ForgetResponseOwnerAsync(AffinityKind kind, string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes entries recorded before <paramref name="recordedBefore"/>, then, while more than <paramref name="keepAtMost"/>
    /// remain, the oldest (entries recorded in the same instant as the last one over the bound go with it, so at most
    /// <paramref name="keepAtMost"/> are left). Returns how many were deleted.
    /// </summary>
    Task<long> PruneResponseOwnersAsync(DateTimeOffset recordedBefore, int keepAtMost, CancellationToken cancellationToken = default);

    /// <summary>Persists a rollout command for the leader; returns its id.</summary>
    Task<long> EnqueueRolloutCommandAsync(string deployment, string command, string? reason, string actor, CancellationToken cancellationToken = default);

    /// <summary>Commands not yet applied, oldest first.</summary>
    Task<IReadOnlyList<RolloutCommandRecord>> ListPendingRolloutCommandsAsync(CancellationToken cancellationToken = default);

    /// <summary>One command, or null.</summary>
    Task<RolloutCommandRecord?> GetRolloutCommandAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Marks a command done with its outcome when it changed nothing (refused); fenced when <paramref name="fence"/> is set. False if it was already done.</summary>
    Task<bool> CompleteRolloutCommandAsync(long id, string outcome, LeaderFence? fence, CancellationToken cancellationToken = default);
}
