using Switchback.Core.Bundles;

namespace Switchback.Storage.Sql;

internal abstract partial class SqlRegistryStore
{
    public async Task<AliasRemoveStatus> RemoveAliasAsync(string deployment, string alias, AuditContext who, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        ValidateName(alias, "alias", nameof(alias));
        ValidateWho(who);
        if (alias == "stable")
        {
            return AliasRemoveStatus.IsStable;
        }

        await using var session = await BeginWriteAsync(who, cancellationToken);
        if (await FindAliasAsync(session, deployment, alias) is not { } previous)
        {
            return AliasRemoveStatus.Absent;
        }

        var now = Now();
        await session.ExecuteAsync("DELETE FROM aliases WHERE deployment = @d AND alias = @a", ("@d", deployment), ("@a", alias));
        await session.ExecuteAsync(
            "INSERT INTO alias_events (deployment, alias, from_version, to_version, occurred_at, actor, reason) VALUES (@d, @a, @f, NULL, @t, @u, @r)",
            ("@d", deployment),
            ("@a", alias),
            ("@f", previous),
            ("@t", TimeValue(now)),
            ("@u", who.Actor),
            ("@r", who.Reason));
        await AppendAuditAsync(session, now, who, "alias.remove", new VersionRef(deployment, previous).ToString(), AuditJson.Alias(alias, previous), null);
        await session.CommitAsync();
        return AliasRemoveStatus.Removed;
    }
}
