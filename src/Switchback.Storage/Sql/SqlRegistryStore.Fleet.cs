using System.Data.Common;
using System.Globalization;
using Switchback.Core.Audit;
using Switchback.Storage.Fleet;

namespace Switchback.Storage.Sql;

/// <summary>The fleet's shared state (docs/fleet.md): lease, replicas, signal windows, routing epoch, rollout commands.</summary>
internal abstract partial class SqlRegistryStore : IFleetStore
{
    /// <summary>The name of the controller's lease row.</summary>
    private const string ControllerLease = "controller";

    private const string LeaseColumns = "holder, term, renewals, acquired_at, renewed_at";

    private const string ReplicaColumns =
        "id, address, software_version, started_at, heartbeat_at, beats, routing_epoch, routing_applied_at, signals_through, leader, state, lost_at, stats_json";

    /// <summary>Rows per multi-row insert of units: 13 parameters each, well under SQLite's and PostgreSQL's limits.</summary>
    private const int UnitsPerStatement = 500;

    private const string UnitColumns =
        "rollout_id, key_hash, second, replica, deployment, version, candidate, weight_bps, failures, max_latency_ms, max_ttft_ms, requests, prior_bps, kind";

    private const string CommandColumns = "id, deployment, command, reason, actor, created_at, done_at, outcome_json";

    /// <summary>
    /// The statement suffix that locks the lease row a fenced write reads until that write's transaction ends, so a take-over
    /// waits for it and then sees it committed (PostgreSQL: <c>FOR SHARE</c>; SQLite's single writer needs none).
    /// </summary>
    protected virtual string LockLeaseRowSuffix => string.Empty;

    public async Task<string> GetOrCreateSecretAsync(string name, string candidate, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(candidate);
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        await session.ExecuteAsync("INSERT INTO fleet_secrets (name, value) VALUES (@n, @v) ON CONFLICT (name) DO NOTHING", ("@n", name), ("@v", candidate));
        var value = (string)(await session.ScalarAsync("SELECT value FROM fleet_secrets WHERE name = @n", ("@n", name)))!;
        await session.CommitAsync();
        return value;
    }

    public async Task<LeaseRecord?> ReadLeaseAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await FindLeaseAsync(session, lockRow: false);
    }

    public async Task<LeaseRecord?> TryTakeLeaseAsync(string holder, LeaseRecord? seen, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        var now = TimeValue(Now());
        int changed;
        if (seen is null)
        {
            changed = await session.ExecuteAsync(
                $"INSERT INTO leader_lease (name, {LeaseColumns}) VALUES (@n, @h, 1, 0, @t, @t) ON CONFLICT (name) DO NOTHING",
                ("@n", ControllerLease),
                ("@h", holder),
                ("@t", now));
        }
        else
        {
            changed = await session.ExecuteAsync(
                "UPDATE leader_lease SET holder = @h, term = term + 1, renewals = 0, acquired_at = @t, renewed_at = @t " +
                "WHERE name = @n AND holder = @sh AND term = @st AND renewals = @sr",
                ("@h", holder),
                ("@t", now),
                ("@n", ControllerLease),
                ("@sh", seen.Holder),
                ("@st", seen.Term),
                ("@sr", seen.Renewals));
        }

        if (changed != 1)
        {
            return null;
        }

        var taken = await FindLeaseAsync(session, lockRow: false);
        await session.CommitAsync();
        return taken;
    }

    public async Task<LeaseRecord?> RenewLeaseAsync(LeaderFence fence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fence);
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        var changed = await session.ExecuteAsync(
            "UPDATE leader_lease SET renewals = renewals + 1, renewed_at = @t WHERE name = @n AND holder = @h AND term = @term",
            ("@t", TimeValue(Now())),
            ("@n", ControllerLease),
            ("@h", fence.Holder),
            ("@term", fence.Term));
        if (changed != 1)
        {
            return null;
        }

        var renewed = await FindLeaseAsync(session, lockRow: false);
        await session.CommitAsync();
        return renewed;
    }

    public async Task ReleaseLeaseAsync(LeaderFence fence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fence);
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        await session.ExecuteAsync(
            "UPDATE leader_lease SET holder = '', renewed_at = @t WHERE name = @n AND holder = @h AND term = @term",
            ("@t", TimeValue(Now())),
            ("@n", ControllerLease),
            ("@h", fence.Holder),
            ("@term", fence.Term));
        await session.CommitAsync();
    }

    public Task<ReplicaReportStatus> ReportReplicaAsync(ReplicaReport report, IReadOnlyList<SignalWindowRow> windows, bool rejoin, CancellationToken cancellationToken = default)
        => ReportReplicaAsync(report, windows, [], rejoin, cancellationToken);

    public async Task<ReplicaReportStatus> ReportReplicaAsync(ReplicaReport report, IReadOnlyList<SignalWindowRow> windows, IReadOnlyList<UnitRow> units, bool rejoin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(units);
        ArgumentException.ThrowIfNullOrWhiteSpace(report.Id);
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        var state = await session.ScalarAsync("SELECT state FROM replicas WHERE id = @i", ("@i", report.Id)) as string;
        if (state == StateText(ReplicaState.Lost) && !rejoin)
        {
            return ReplicaReportStatus.Lost;
        }

        await session.ExecuteAsync(
            $"INSERT INTO replicas ({ReplicaColumns}) VALUES (@i, @a, @v, @s, @h, 1, @e, NULL, @w, @l, @st, NULL, @x) " +
            "ON CONFLICT (id) DO UPDATE SET address = excluded.address, software_version = excluded.software_version, " +
            "heartbeat_at = excluded.heartbeat_at, beats = replicas.beats + 1, " +
            "routing_epoch = CASE WHEN excluded.routing_epoch > replicas.routing_epoch THEN excluded.routing_epoch ELSE replicas.routing_epoch END, " +
            "signals_through = excluded.signals_through, leader = excluded.leader, state = excluded.state, lost_at = NULL, stats_json = excluded.stats_json",
            ("@i", report.Id),
            ("@a", report.Address),
            ("@v", report.SoftwareVersion),
            ("@s", TimeValue(AuditChain.Normalize(report.StartedAt))),
            ("@h", TimeValue(AuditChain.Normalize(report.At))),
            ("@e", report.RoutingEpoch),
            ("@w", report.SignalsThrough),
            ("@l", report.Leader ? 1 : 0),
            ("@st", StateText(ReplicaState.Live)),
            ("@x", report.Stats));
        foreach (var window in windows)
        {
            if (window.Replica != report.Id)
            {
                throw new ArgumentException($"a window of replica '{window.Replica}' cannot be reported by '{report.Id}'", nameof(windows));
            }

            await session.ExecuteAsync(
                "INSERT INTO signal_windows (deployment, second, version, replica, payload) VALUES (@d, @s, @v, @r, @p) " +
                "ON CONFLICT (deployment, second, version, replica) DO NOTHING",
                ("@d", window.Deployment),
                ("@s", window.Second),
                ("@v", window.Version),
                ("@r", window.Replica),
                ("@p", window.Payload));
        }

        foreach (var unit in units)
        {
            if (unit.Replica != report.Id)
            {
                throw new ArgumentException($"a unit of replica '{unit.Replica}' cannot be reported by '{report.Id}'", nameof(units));
            }
        }

        // Units are one per key, so with many light users nearly one per request: they go in multi-row statements (a few a
        // report) rather than one statement each (bench/fleet measured 333 statements/s per replica at 1,000 req/s that way).
        for (var offset = 0; offset < units.Count; offset += UnitsPerStatement)
        {
            var chunk = Math.Min(UnitsPerStatement, units.Count - offset);
            var sql = new System.Text.StringBuilder($"INSERT INTO rollout_units ({UnitColumns}) VALUES ");
            var parameters = new (string Name, object? Value)[chunk * 14];
            for (var i = 0; i < chunk; i++)
            {
                var unit = units[offset + i];
                var n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "(" : ", (")
                    .Append($"@r{n}, @k{n}, @s{n}, @p{n}, @d{n}, @v{n}, @c{n}, @w{n}, @f{n}, @l{n}, @t{n}, @n{n}, @q{n}, @u{n})");
                var p = i * 14;
                parameters[p] = ("@r" + n, unit.RolloutId);
                parameters[p + 1] = ("@k" + n, unit.KeyHash);
                parameters[p + 2] = ("@s" + n, unit.Second);
                parameters[p + 3] = ("@p" + n, unit.Replica);
                parameters[p + 4] = ("@d" + n, unit.Deployment);
                parameters[p + 5] = ("@v" + n, unit.Version);
                parameters[p + 6] = ("@c" + n, unit.Candidate ? 1 : 0);
                parameters[p + 7] = ("@w" + n, unit.WeightBps);
                parameters[p + 8] = ("@f" + n, unit.Failures);
                parameters[p + 9] = ("@l" + n, unit.MaxLatencyMs);
                parameters[p + 10] = ("@t" + n, unit.MaxTtftMs);
                parameters[p + 11] = ("@n" + n, unit.Requests);
                parameters[p + 12] = ("@q" + n, unit.PriorBps);
                parameters[p + 13] = ("@u" + n, unit.Kind);
            }

            sql.Append(" ON CONFLICT (rollout_id, key_hash) DO NOTHING");
            await session.ExecuteAsync(sql.ToString(), parameters);
        }

        await session.CommitAsync();
        return ReplicaReportStatus.Stored;
    }

    public async Task StopReplicaAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        await session.ExecuteAsync("UPDATE replicas SET state = @s, leader = 0 WHERE id = @i", ("@s", StateText(ReplicaState.Stopped)), ("@i", id));
        await session.CommitAsync();
    }

    public async Task<bool> MarkReplicaLostAsync(string id, long beatsSeen, LeaderFence fence, CancellationToken cancellationToken = default)
    {
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        await CheckFenceAsync(session, fence);
        var changed = await session.ExecuteAsync(
            "UPDATE replicas SET state = @lost, lost_at = @t, leader = 0 WHERE id = @i AND beats = @b AND state = @live",
            ("@lost", StateText(ReplicaState.Lost)),
            ("@t", TimeValue(Now())),
            ("@i", id),
            ("@b", beatsSeen),
            ("@live", StateText(ReplicaState.Live)));
        await session.CommitAsync();
        return changed == 1;
    }

    public async Task<IReadOnlyList<ReplicaRecord>> ListReplicasAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync($"SELECT {ReplicaColumns} FROM replicas ORDER BY id", ReadReplica);
    }

    public async Task ReportRoutingAppliedAsync(string id, long epoch, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        var changed = await session.ExecuteAsync(
            "UPDATE replicas SET routing_epoch = @e, routing_applied_at = @t WHERE id = @i AND routing_epoch < @e",
            ("@e", epoch),
            ("@t", TimeValue(AuditChain.Normalize(at))),
            ("@i", id));
        if (changed > 0)
        {
            await NotifyAsync(session, StoreChannels.RoutingApplied, id);
        }

        await session.CommitAsync();
    }

    public async Task<long> GetRoutingEpochAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await ReadRoutingEpochAsync(session);
    }

    public async Task<IReadOnlyList<SignalWindowRow>> ReadSignalWindowsAsync(string deployment, long fromSecond, long toSecond, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync(
            "SELECT replica, deployment, version, second, payload FROM signal_windows WHERE deployment = @d AND second >= @f AND second < @t",
            r => new SignalWindowRow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3), r.GetFieldValue<byte[]>(4)),
            ("@d", deployment),
            ("@f", fromSecond),
            ("@t", toSecond));
    }

    public async Task<IReadOnlyList<UnitRow>> ReadUnitsAsync(string rolloutId, long fromSecond, long toSecond, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rolloutId);
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync(
            $"SELECT {UnitColumns} FROM rollout_units WHERE rollout_id = @r AND second >= @f AND second < @t",
            r => new UnitRow(
                r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                Convert.ToInt64(r.GetValue(6), CultureInfo.InvariantCulture) != 0, r.GetInt32(7), r.GetInt32(8),
                r.IsDBNull(9) ? null : r.GetDouble(9), r.IsDBNull(10) ? null : r.GetDouble(10), r.GetInt32(11)) { PriorBps = r.GetInt32(12), Kind = r.GetInt32(13) },
            ("@r", rolloutId),
            ("@f", fromSecond),
            ("@t", toSecond));
    }

    public async Task<long> PruneAsync(long beforeSecond, DateTimeOffset forgetBefore, CancellationToken cancellationToken = default)
    {
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        var deleted = await session.ExecuteAsync("DELETE FROM signal_windows WHERE second < @s", ("@s", beforeSecond));
        await session.ExecuteAsync("DELETE FROM rollout_units WHERE second < @s", ("@s", beforeSecond));
        await session.ExecuteAsync(
            "DELETE FROM replicas WHERE state <> @live AND heartbeat_at < @t",
            ("@live", StateText(ReplicaState.Live)),
            ("@t", TimeValue(forgetBefore)));
        await session.ExecuteAsync("DELETE FROM rollout_commands WHERE done_at IS NOT NULL AND done_at < @t", ("@t", TimeValue(forgetBefore)));
        await session.CommitAsync();
        return deleted;
    }

    public async Task<long> EnqueueRolloutCommandAsync(string deployment, string command, string? reason, string actor, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        var id = Convert.ToInt64(
            await session.ScalarAsync(
                "INSERT INTO rollout_commands (deployment, command, reason, actor, created_at) VALUES (@d, @c, @r, @a, @t) RETURNING id",
                ("@d", deployment),
                ("@c", command),
                ("@r", reason),
                ("@a", actor),
                ("@t", TimeValue(Now()))),
            CultureInfo.InvariantCulture);
        await NotifyAsync(session, StoreChannels.Control, deployment);
        await session.CommitAsync();
        return id;
    }

    public async Task<IReadOnlyList<RolloutCommandRecord>> ListPendingRolloutCommandsAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync($"SELECT {CommandColumns} FROM rollout_commands WHERE done_at IS NULL ORDER BY id", ReadCommand);
    }

    public async Task<RolloutCommandRecord?> GetRolloutCommandAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryFirstAsync($"SELECT {CommandColumns} FROM rollout_commands WHERE id = @i", ReadCommand, ("@i", id));
    }

    public async Task<bool> CompleteRolloutCommandAsync(long id, string outcome, LeaderFence? fence, CancellationToken cancellationToken = default)
    {
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        if (fence is not null)
        {
            await CheckFenceAsync(session, fence);
        }

        var done = await MarkCommandDoneAsync(session, new CommandCompletion(id, outcome));
        await session.CommitAsync();
        return done;
    }

    /// <summary>Starts a transaction for fleet bookkeeping: a write, but without the registry's writer lock where the store has one.</summary>
    protected virtual Task<SqlSession> BeginFleetWriteCoreAsync(CancellationToken cancellationToken) => BeginCoreAsync(write: true, cancellationToken);

    public StoreNotifications Notifications { get; } = new();

    public virtual Task ListenAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    /// <summary>
    /// Tells this process's subscribers when the transaction commits, and (PostgreSQL, <see cref="NotifyOthersAsync"/>) the
    /// other replicas too.
    /// </summary>
    private async Task NotifyAsync(SqlSession session, string channel, string payload)
    {
        session.OnCommitted(() => Notifications.Raise(channel, payload));
        await NotifyOthersAsync(session, channel, payload);
    }

    /// <summary>Sends a notification to other replicas with the transaction (PostgreSQL <c>pg_notify</c>); SQLite has one server and sends none.</summary>
    protected virtual Task NotifyOthersAsync(SqlSession session, string channel, string payload) => Task.CompletedTask;

    /// <summary>Refuses the transaction's writes unless the lease still names <paramref name="fence"/>'s holder and term.</summary>
    private async Task CheckFenceAsync(SqlSession session, LeaderFence fence)
    {
        var lease = await FindLeaseAsync(session, lockRow: true);
        if (lease is null || lease.Holder != fence.Holder || lease.Term != fence.Term)
        {
            throw new FencedException(fence, lease?.Holder, lease?.Term ?? 0);
        }
    }

    /// <summary>Marks a command done inside the caller's transaction; false when it was already done (never applied twice).</summary>
    private async Task<bool> MarkCommandDoneAsync(SqlSession session, CommandCompletion completion)
        => await session.ExecuteAsync(
            "UPDATE rollout_commands SET done_at = @t, outcome_json = @o WHERE id = @i AND done_at IS NULL",
            ("@t", TimeValue(Now())),
            ("@o", completion.Outcome),
            ("@i", completion.Id)) == 1;

    /// <summary>Moves the routing epoch on by one inside the caller's transaction and tells the other replicas; returns the new epoch.</summary>
    private async Task<long> AdvanceRoutingEpochAsync(SqlSession session)
    {
        await session.ExecuteAsync("UPDATE routing_epoch SET epoch = epoch + 1 WHERE id = 1");
        var epoch = await ReadRoutingEpochAsync(session);
        await NotifyAsync(session, StoreChannels.Routing, epoch.ToString(CultureInfo.InvariantCulture));
        return epoch;
    }

    private static async Task<long> ReadRoutingEpochAsync(SqlSession session)
        => Convert.ToInt64(await session.ScalarAsync("SELECT epoch FROM routing_epoch WHERE id = 1") ?? 0L, CultureInfo.InvariantCulture);

    private Task<LeaseRecord?> FindLeaseAsync(SqlSession session, bool lockRow)
        => session.QueryFirstAsync(
            $"SELECT {LeaseColumns} FROM leader_lease WHERE name = @n{(lockRow ? LockLeaseRowSuffix : string.Empty)}",
            r => new LeaseRecord(r.GetString(0), r.GetInt64(1), r.GetInt64(2), ReadTime(r, 3), ReadTime(r, 4)),
            ("@n", ControllerLease));

    /// <summary>Starts a registry write (under the writer lock) and, when <paramref name="who"/> carries a fence, checks it first.</summary>
    private async Task<SqlSession> BeginWriteAsync(AuditContext who, CancellationToken cancellationToken)
    {
        var session = await BeginAsync(write: true, cancellationToken);
        if (who.Fence is { } fence)
        {
            try
            {
                await CheckFenceAsync(session, fence);
            }
            catch
            {
                await session.DisposeAsync();
                throw;
            }
        }

        return session;
    }

    private Task<SqlSession> BeginFleetWriteAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return BeginFleetWriteCoreAsync(cancellationToken);
    }

    private ReplicaRecord ReadReplica(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        ReadTime(r, 3),
        ReadTime(r, 4),
        r.GetInt64(5),
        r.GetInt64(6),
        ReadNullableTime(r, 7),
        r.GetInt64(8),
        Convert.ToInt64(r.GetValue(9), CultureInfo.InvariantCulture) != 0,
        ParseState(r.GetString(10)),
        ReadNullableTime(r, 11),
        r.GetString(12));

    private RolloutCommandRecord ReadCommand(DbDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        r.GetString(2),
        ReadNullableString(r, 3),
        r.GetString(4),
        ReadTime(r, 5),
        ReadNullableTime(r, 6),
        ReadNullableString(r, 7));

    private static string StateText(ReplicaState state) => state.ToString().ToLowerInvariant();

    private static ReplicaState ParseState(string text) => Enum.Parse<ReplicaState>(text, ignoreCase: true);
}
