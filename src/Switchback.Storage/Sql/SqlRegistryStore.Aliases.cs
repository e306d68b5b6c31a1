using Switchback.Core.Bundles;

namespace Switchback.Storage.Sql;

internal abstract partial class SqlRegistryStore
{
    public async Task<AliasOutcome> SetAliasAsync(VersionRef version, string alias, AuditContext who, CancellationToken cancellationToken = default)
    {
        ValidateName(version.Deployment, "deployment", nameof(version));
        ValidateName(alias, "alias", nameof(alias));
        ValidateWho(who);
        await using var session = await BeginWriteAsync(who, cancellationToken);
        var bundle = await FindBundleAsync(session, version.Deployment, version.Version);
        if (bundle is null)
        {
            return new AliasOutcome(AliasStatus.NotFound, null);
        }

        var previous = await FindAliasAsync(session, version.Deployment, alias);
        if (previous == version.Version)
        {
            return new AliasOutcome(AliasStatus.Unchanged, previous);
        }

        if (bundle.Archived)
        {
            return new AliasOutcome(AliasStatus.Archived, previous);
        }

        var now = Now();
        await MoveAliasAsync(session, now, who, version, alias, previous);
        if (alias == "stable")
        {
            await FollowStableAliasAsync(session, now, who, version.Deployment, version.Version);
        }

        await session.CommitAsync();
        return new AliasOutcome(AliasStatus.Moved, previous);
    }

    public Task<IReadOnlyList<AliasEvent>> GetAliasHistoryAsync(string deployment, CancellationToken cancellationToken = default)
        => GetAliasHistoryAsync(deployment, afterId: null, int.MaxValue, cancellationToken);

    public async Task<IReadOnlyList<AliasEvent>> GetAliasHistoryAsync(string deployment, long? afterId, int limit, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        if (limit < 1)
        {
            throw new ArgumentException($"limit {limit} is not valid: use a number from 1", nameof(limit));
        }

        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync(
            "SELECT deployment, alias, from_version, to_version, occurred_at, actor, reason, id FROM alias_events " +
            "WHERE deployment = @d AND id > @after ORDER BY id LIMIT @limit",
            r => new AliasEvent(
                r.GetString(0),
                r.GetString(1),
                r.IsDBNull(2) ? null : r.GetInt32(2),
                r.IsDBNull(3) ? null : r.GetInt32(3),
                ReadTime(r, 4),
                r.GetString(5),
                ReadNullableString(r, 6)) { Id = r.GetInt64(7) },
            ("@d", deployment),
            ("@after", afterId ?? 0L),
            ("@limit", limit));
    }

    private async Task<int?> FindAliasAsync(SqlSession session, string deployment, string alias)
        => ToNullableInt(await session.ScalarAsync(
            "SELECT version FROM aliases WHERE deployment = @d AND alias = @a",
            ("@d", deployment),
            ("@a", alias)));

    private async Task MoveAliasAsync(SqlSession session, DateTimeOffset now, AuditContext who, VersionRef version, string alias, int? previous)
    {
        await session.ExecuteAsync(
            "INSERT INTO aliases (deployment, alias, version, updated_at) VALUES (@d, @a, @v, @t) " +
            "ON CONFLICT (deployment, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
            ("@d", version.Deployment),
            ("@a", alias),
            ("@v", version.Version),
            ("@t", TimeValue(now)));
        await session.ExecuteAsync(
            "INSERT INTO alias_events (deployment, alias, from_version, to_version, occurred_at, actor, reason) VALUES (@d, @a, @f, @v, @t, @u, @r)",
            ("@d", version.Deployment),
            ("@a", alias),
            ("@f", previous),
            ("@v", version.Version),
            ("@t", TimeValue(now)),
            ("@u", who.Actor),
            ("@r", who.Reason));
        await AppendAuditAsync(
            session,
            now,
            who,
            "alias.set",
            version.ToString(),
            previous is { } from ? AuditJson.Alias(alias, from) : null,
            AuditJson.Alias(alias, version.Version));
    }
}
