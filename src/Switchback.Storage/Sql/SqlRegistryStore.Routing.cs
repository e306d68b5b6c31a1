using System.Data.Common;
using Switchback.Core.Bundles;
using Switchback.Core.Routing;

namespace Switchback.Storage.Sql;

internal abstract partial class SqlRegistryStore
{
    private const string RoutingColumns =
        "deployment, stable, candidate, candidate_weight_bps, shadow, shadow_sample_bps, sticky_source, generation, salt";

    public async Task<RoutingState?> GetRoutingStateAsync(string deployment, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await FindRoutingStateAsync(session, deployment);
    }

    public async Task<IReadOnlyList<RoutingState>> ListRoutingStatesAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync($"SELECT {RoutingColumns} FROM routing_state ORDER BY deployment", ReadRoutingState);
    }

    public async Task<RoutingSnapshotRecord> ReadRoutingSnapshotAsync(CancellationToken cancellationToken = default)
    {
        // One snapshot, three short queries: a replica reloads on every routing notification, so this is the propagation path.
        await using var session = await BeginAsync(write: false, cancellationToken);
        var epoch = await ReadRoutingEpochAsync(session);
        var states = await session.QueryAsync($"SELECT {RoutingColumns} FROM routing_state ORDER BY deployment", ReadRoutingState);
        var stables = await session.QueryAsync("SELECT deployment, version FROM aliases WHERE alias = 'stable'", r => (r.GetString(0), r.GetInt32(1)));
        return new RoutingSnapshotRecord(epoch, states, stables.ToDictionary(s => s.Item1, s => s.Item2, StringComparer.Ordinal));
    }

    public async Task<RoutingSetOutcome> SetRoutingStateAsync(RoutingState state, AuditContext who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Validate();
        ValidateWho(who);
        await using var session = await BeginWriteAsync(who, cancellationToken);
        var previous = await FindRoutingStateAsync(session, state.Deployment);
        foreach (var version in new[] { state.StableVersion, state.CandidateVersion, state.ShadowVersion })
        {
            if (version is not { } v)
            {
                continue;
            }

            var bundle = await FindBundleAsync(session, state.Deployment, v);
            if (bundle is null || bundle.Archived)
            {
                return new RoutingSetOutcome(bundle is null ? RoutingSetStatus.NotFound : RoutingSetStatus.Archived, previous, v);
            }
        }

        if (previous is not null && previous == state with { Generation = previous.Generation })
        {
            return new RoutingSetOutcome(RoutingSetStatus.Unchanged, previous);
        }

        var next = state with { Generation = (previous?.Generation ?? 0) + 1 };
        var now = Now();
        var epoch = await WriteRoutingStateAsync(session, now, who, previous, next);

        // The stable alias and the routing row name the same version, always: moving one moves the other in this transaction.
        var stableAlias = await FindAliasAsync(session, next.Deployment, "stable");
        if (stableAlias != next.StableVersion)
        {
            await MoveAliasAsync(session, now, who, new VersionRef(next.Deployment, next.StableVersion), "stable", stableAlias);
        }

        await session.CommitAsync();
        return new RoutingSetOutcome(RoutingSetStatus.Set, next) { Epoch = epoch };
    }

    /// <summary>
    /// Follows a move of the <c>stable</c> alias in an existing routing row (inside the caller's transaction): a candidate or
    /// shadow equal to the new stable is cleared with its weight, since a version cannot be compared with itself.
    /// </summary>
    private async Task FollowStableAliasAsync(SqlSession session, DateTimeOffset now, AuditContext who, string deployment, int stable)
    {
        var previous = await FindRoutingStateAsync(session, deployment);
        if (previous is null)
        {
            // No routing row: the gateway routes by the alias itself, so its move is a routing change for the replicas.
            await AdvanceRoutingEpochAsync(session);
            return;
        }

        if (previous.StableVersion == stable)
        {
            return;
        }

        var next = previous with { StableVersion = stable, Generation = previous.Generation + 1 };
        if (next.CandidateVersion == stable)
        {
            next = next with { CandidateVersion = null, CandidateWeightBps = 0 };
        }

        if (next.ShadowVersion == stable)
        {
            next = next with { ShadowVersion = null, ShadowSampleBps = 0 };
        }

        await WriteRoutingStateAsync(session, now, who, previous, next);
    }

    /// <summary>Writes the routing row and its audit entry and moves the routing epoch on; returns the new epoch.</summary>
    private async Task<long> WriteRoutingStateAsync(SqlSession session, DateTimeOffset now, AuditContext who, RoutingState? previous, RoutingState next)
    {
        await session.ExecuteAsync(
            $"INSERT INTO routing_state ({RoutingColumns}, updated_at) VALUES (@d, @s, @c, @w, @h, @p, @k, @g, @salt, @t) " +
            "ON CONFLICT (deployment) DO UPDATE SET stable = excluded.stable, candidate = excluded.candidate, " +
            "candidate_weight_bps = excluded.candidate_weight_bps, shadow = excluded.shadow, shadow_sample_bps = excluded.shadow_sample_bps, " +
            "sticky_source = excluded.sticky_source, generation = excluded.generation, salt = excluded.salt, updated_at = excluded.updated_at",
            ("@d", next.Deployment),
            ("@s", next.StableVersion),
            ("@c", next.CandidateVersion),
            ("@w", next.CandidateWeightBps),
            ("@h", next.ShadowVersion),
            ("@p", next.ShadowSampleBps),
            ("@k", StickyNames.ToText(next.StickySource)),
            ("@g", next.Generation),
            ("@salt", next.Salt),
            ("@t", TimeValue(now)));
        await AppendAuditAsync(
            session,
            now,
            who,
            "routing.set",
            next.Deployment,
            previous is null ? null : AuditJson.Routing(previous),
            AuditJson.Routing(next));
        return await AdvanceRoutingEpochAsync(session);
    }

    private Task<RoutingState?> FindRoutingStateAsync(SqlSession session, string deployment)
        => session.QueryFirstAsync($"SELECT {RoutingColumns} FROM routing_state WHERE deployment = @d", ReadRoutingState, ("@d", deployment));

    private static RoutingState ReadRoutingState(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt32(1),
        reader.IsDBNull(2) ? null : reader.GetInt32(2),
        reader.GetInt32(3),
        reader.IsDBNull(4) ? null : reader.GetInt32(4),
        reader.GetInt32(5),
        StickyNames.Parse(reader.GetString(6)),
        reader.GetInt64(7),
        reader.IsDBNull(8) ? null : reader.GetString(8));
}
