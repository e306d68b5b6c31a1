using Switchback.Core.Bundles;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task Migrate_Twice_NoErrorAndNoDuplicates()
    {
        await Store.MigrateAsync(Ct);
        await Store.MigrateAsync(Ct);

        Assert.Equal(MigrationCount, await CountAsync("schema_migrations"));
        Assert.Equal(MigrationCount, await QueryLongAsync(Database, "SELECT count(DISTINCT version) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrate_ConcurrentlyFromTwoStoresOnAFreshDatabase_AppliesEachOnce()
    {
        var fresh = await CreateEmptyDatabaseAsync();
        var first = Open(fresh);
        var second = Open(fresh);

        await Task.WhenAll(Task.Run(() => first.MigrateAsync(Ct), Ct), Task.Run(() => second.MigrateAsync(Ct), Ct));

        Assert.Equal(MigrationCount, await QueryLongAsync(fresh, "SELECT count(*) FROM schema_migrations"));
        var outcome = await second.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        Assert.Equal(RegisterStatus.Created, outcome.Status);
    }

    [Fact]
    public async Task Register_EightConcurrentStoresIntoOneDeployment_VersionsOneToEight()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => Open(Database)).ToList();

        var outcomes = await Task.WhenAll(stores.Select((store, i) => Task.Run(() => store.RegisterAsync(Bundle("race", $"content-{i}"), new AuditContext($"writer-{i}"), Ct), Ct)));

        Assert.All(outcomes, o => Assert.Equal(RegisterStatus.Created, o.Status));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], outcomes.Select(o => o.Bundle.Version).Order());
        var listed = await Store.ListBundlesAsync("race", false, Ct);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], listed.Select(b => b.Version));
        Assert.Equal(8, listed.Select(b => b.Digest).Distinct().Count());
        var verify = await Store.VerifyAuditAsync(Ct);
        Assert.True(verify.Ok, verify.Problem);
        Assert.Equal(10, verify.EntriesChecked);
        Assert.Single(await Store.GetAliasHistoryAsync("race", Ct));
    }

    [Fact]
    public async Task Register_SameContentConcurrently_CreatesOneVersion()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => Open(Database)).ToList();

        var outcomes = await Task.WhenAll(stores.Select(store => Task.Run(() => store.RegisterAsync(Bundle("race", "same"), Admin, Ct), Ct)));

        Assert.Single(outcomes, o => o.Status == RegisterStatus.Created);
        Assert.All(outcomes, o => Assert.Equal(1, o.Bundle.Version));
        Assert.Equal(1, await CountAsync("bundles"));
    }

    [Fact]
    public async Task Ping_WorkingStore_True_DisposedStore_False()
    {
        var other = OpenStore(Database);

        Assert.True(await other.PingAsync(Ct));
        await other.DisposeAsync();

        Assert.False(await other.PingAsync(Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => other.GetBundleAsync(new VersionRef("svc", 1), Ct));
        Assert.True(await Store.PingAsync(Ct));
    }
}
