namespace Switchback.Storage.Tests.Conformance;

/// <summary>
/// Upgrades (docs/operations.md): a store written by the oldest schema, migration 1 alone, with rows as that schema held them,
/// opened by the current build; and a store from a newer build, refused.
/// </summary>
public abstract partial class RegistryStoreConformance
{
    /// <summary>The DDL of this dialect's first migration, as released.</summary>
    protected abstract string OldestSchemaSql { get; }

    /// <summary>This dialect's DDL for <c>schema_migrations</c>.</summary>
    protected abstract string MigrationsTableSql { get; }

    [Fact]
    public async Task Migrate_StoreWrittenByTheOldestSchema_AppliesEveryLaterMigrationAndKeepsItsData()
    {
        var old = await CreateEmptyDatabaseAsync();
        var v1 = Bundle("support-bot", "one");
        var v2 = Bundle("support-bot", "two");
        const string At = "'2026-01-02T03:04:05.678Z'";
        await ExecuteSqlAsync(old, MigrationsTableSql);
        await ExecuteSqlAsync(old, OldestSchemaSql);
        await ExecuteSqlAsync(old, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'registry', {At})");
        await ExecuteSqlAsync(old, $"INSERT INTO deployments (name, created_at) VALUES ('support-bot', {At})");
        await ExecuteSqlAsync(old, $"""
            INSERT INTO bundles (deployment, version, digest, content_json, created_at, created_by) VALUES
                ('support-bot', 1, '{v1.Digest}', '{v1.CanonicalJson}', {At}, 'ops'),
                ('support-bot', 2, '{v2.Digest}', '{v2.CanonicalJson}', {At}, 'ops')
            """);
        await ExecuteSqlAsync(old, $"INSERT INTO aliases (deployment, alias, version, updated_at) VALUES ('support-bot', 'stable', 1, {At}), ('support-bot', 'candidate', 2, {At})");
        await ExecuteSqlAsync(old, $"""
            INSERT INTO alias_events (deployment, alias, from_version, to_version, occurred_at, actor, reason) VALUES
                ('support-bot', 'stable', NULL, 1, {At}, 'ops', 'first version'),
                ('support-bot', 'candidate', NULL, 2, {At}, 'ops', 'next')
            """);
        var store = Open(old);

        var outcome = await store.MigrateAsync(Ct);

        Assert.Equal(new MigrationOutcome(CreatedStore: false, Applied: (int)MigrationCount - 1), outcome);
        Assert.Equal(MigrationCount, await QueryLongAsync(old, "SELECT count(DISTINCT version) FROM schema_migrations"));
        var bundles = await store.ListBundlesAsync("support-bot", includeArchived: true, Ct);
        Assert.Equal([(1, v1.Digest, v1.CanonicalJson, "ops", false), (2, v2.Digest, v2.CanonicalJson, "ops", false)],
            bundles.Select(b => (b.Version, b.Digest, b.ContentJson, b.CreatedBy, b.Archived)));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), bundles[0].CreatedAt);
        var deployment = await store.GetDeploymentAsync("support-bot", Ct);
        Assert.Equal((1, 2, 2), (deployment!.Aliases["stable"], deployment.Aliases["candidate"], deployment.LatestVersion));
        var history = await store.GetAliasHistoryAsync("support-bot", Ct);
        Assert.Equal([("stable", 1, "first version"), ("candidate", 2, "next")], history.Select(e => (e.Alias, e.ToVersion ?? 0, e.Reason)));
        Assert.Equal(1, (await store.ReadRoutingSnapshotAsync(Ct)).Stables["support-bot"]);

        // The upgraded store works as a new one: the old content is found by digest, new versions and the audit chain go on.
        var again = await store.RegisterAsync(v2, Admin, Ct);
        Assert.Equal((RegisterStatus.Existing, 2), (again.Status, again.Bundle.Version));
        Assert.Equal(3, (await store.RegisterAsync(Bundle("support-bot", "three"), Admin, Ct)).Bundle.Version);
        var verify = await store.VerifyAuditAsync(Ct);
        Assert.True(verify.Ok && verify.EntriesChecked > 0, verify.Problem);
    }

    [Fact]
    public async Task Migrate_StoreFromANewerBuild_RefusesNamingBothVersionsAndWritesNothing()
    {
        var newer = MigrationCount + 3;
        await ExecuteSqlAsync(Database, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({newer}, 'from-the-future', '2026-01-02T03:04:05.678Z')");
        var store = Open(Database);

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.MigrateAsync(Ct));

        Assert.Contains($"schema version {newer}, newer than this switchback knows ({MigrationCount})", refused.Message);
        Assert.Equal(MigrationCount + 1, await CountAsync("schema_migrations"));
    }
}
