using System.Data.Common;
using Switchback.Core.Bundles;

namespace Switchback.Storage.Sql;

internal abstract partial class SqlRegistryStore
{
    private const string BundleColumns = "deployment, version, digest, content_json, created_at, created_by, archived";

    public async Task<RegisterOutcome> RegisterAsync(BundleContent bundle, AuditContext who, CancellationToken cancellationToken = default)
    {
        ValidateBundle(bundle);
        ValidateWho(who);
        var deployment = bundle.Deployment;
        await using var session = await BeginWriteAsync(who, cancellationToken);

        var existing = bundle.RequestedVersion is { } requested
            ? await FindBundleAsync(session, deployment, requested)
            : await session.QueryFirstAsync(
                $"SELECT {BundleColumns} FROM bundles WHERE deployment = @d AND digest = @g ORDER BY version LIMIT 1",
                ReadBundle,
                ("@d", deployment),
                ("@g", bundle.Digest));
        if (existing is not null)
        {
            var status = string.Equals(existing.Digest, bundle.Digest, StringComparison.Ordinal) ? RegisterStatus.Existing : RegisterStatus.Conflict;
            return new RegisterOutcome(status, existing);
        }

        var now = Now();
        var isNewDeployment = await session.ScalarAsync("SELECT name FROM deployments WHERE name = @d", ("@d", deployment)) is null;
        if (isNewDeployment)
        {
            await session.ExecuteAsync("INSERT INTO deployments (name, created_at) VALUES (@d, @t)", ("@d", deployment), ("@t", TimeValue(now)));
            await AppendAuditAsync(session, now, who, "deployment.create", deployment, null, AuditJson.Deployment(deployment));
        }

        var latest = ToNullableInt(await session.ScalarAsync("SELECT max(version) FROM bundles WHERE deployment = @d", ("@d", deployment))) ?? 0;
        var version = bundle.RequestedVersion ?? checked(latest + 1);
        await session.ExecuteAsync(
            $"INSERT INTO bundles ({BundleColumns}) VALUES (@d, @v, @g, @c, @t, @a, @x)",
            ("@d", deployment),
            ("@v", version),
            ("@g", bundle.Digest),
            ("@c", bundle.CanonicalJson),
            ("@t", TimeValue(now)),
            ("@a", who.Actor),
            ("@x", false));
        var reference = new VersionRef(deployment, version);
        await AppendAuditAsync(session, now, who, "bundle.register", reference.ToString(), null, AuditJson.Bundle(version, bundle.Digest));

        if (isNewDeployment)
        {
            await MoveAliasAsync(session, now, who, reference, "stable", previous: null);
            await AdvanceRoutingEpochAsync(session);
        }

        await session.CommitAsync();
        return new RegisterOutcome(RegisterStatus.Created, new StoredBundle(deployment, version, bundle.Digest, bundle.CanonicalJson, now, who.Actor, Archived: false));
    }

    public async Task<StoredBundle?> GetBundleAsync(VersionRef version, CancellationToken cancellationToken = default)
    {
        ValidateName(version.Deployment, "deployment", nameof(version));
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await FindBundleAsync(session, version.Deployment, version.Version);
    }

    public async Task<IReadOnlyList<StoredBundle>> ListBundlesAsync(string deployment, bool includeArchived, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        await using var session = await BeginAsync(write: false, cancellationToken);
        return includeArchived
            ? await session.QueryAsync($"SELECT {BundleColumns} FROM bundles WHERE deployment = @d ORDER BY version", ReadBundle, ("@d", deployment))
            : await session.QueryAsync(
                $"SELECT {BundleColumns} FROM bundles WHERE deployment = @d AND archived = @x ORDER BY version",
                ReadBundle,
                ("@d", deployment),
                ("@x", false));
    }

    public async Task<ArchiveOutcome> ArchiveAsync(VersionRef version, AuditContext who, CancellationToken cancellationToken = default)
    {
        ValidateName(version.Deployment, "deployment", nameof(version));
        ValidateWho(who);
        await using var session = await BeginWriteAsync(who, cancellationToken);
        var bundle = await FindBundleAsync(session, version.Deployment, version.Version);
        if (bundle is null)
        {
            return ArchiveOutcome.NotFound;
        }

        if (bundle.Archived)
        {
            return ArchiveOutcome.AlreadyArchived;
        }

        var stable = ToNullableInt(await session.ScalarAsync(
            "SELECT version FROM aliases WHERE deployment = @d AND alias = 'stable'",
            ("@d", version.Deployment)));
        if (stable == version.Version)
        {
            return ArchiveOutcome.IsStable;
        }

        var now = Now();
        await session.ExecuteAsync(
            "UPDATE bundles SET archived = @x WHERE deployment = @d AND version = @v",
            ("@x", true),
            ("@d", version.Deployment),
            ("@v", version.Version));
        await AppendAuditAsync(
            session,
            now,
            who,
            "bundle.archive",
            version.ToString(),
            AuditJson.Bundle(version.Version, bundle.Digest, archived: false),
            AuditJson.Bundle(version.Version, bundle.Digest, archived: true));
        await session.CommitAsync();
        return ArchiveOutcome.Archived;
    }

    private Task<StoredBundle?> FindBundleAsync(SqlSession session, string deployment, int version)
        => session.QueryFirstAsync(
            $"SELECT {BundleColumns} FROM bundles WHERE deployment = @d AND version = @v",
            ReadBundle,
            ("@d", deployment),
            ("@v", version));

    private StoredBundle ReadBundle(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt32(1),
        reader.GetString(2),
        reader.GetString(3),
        ReadTime(reader, 4),
        reader.GetString(5),
        reader.GetBoolean(6));
}
