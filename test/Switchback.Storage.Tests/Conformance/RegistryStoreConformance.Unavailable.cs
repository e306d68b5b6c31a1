using System.Diagnostics;
using Switchback.Core.Bundles;

namespace Switchback.Storage.Tests.Conformance;

/// <summary>A store whose writer lock another process holds, readiness, and what migration reports (issue 17).</summary>
public abstract partial class RegistryStoreConformance
{
    /// <summary>Takes the store-wide writer lock from outside the store, as another process would, until disposed.</summary>
    protected abstract Task<IAsyncDisposable> HoldWriterLockAsync(string database);

    [Fact]
    public async Task Write_WhileAnotherProcessHoldsTheWriterLock_ThrowsStoreUnavailableAfterTheFlowsWait()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var clock = Stopwatch.StartNew();
        StoreUnavailableException error;
        await using (await HoldWriterLockAsync(Database))
        {
            using (WriterLockWait.Use(TimeSpan.FromSeconds(1)))
            {
                error = await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct));
            }

            // Reads are not writers: they still answer while the lock is held.
            Assert.Single(await Store.ListBundlesAsync("svc", false, Ct));
        }

        Assert.Contains("locked", error.Message);
        Assert.Contains("1 s", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(RegisterStatus.Created, (await Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct)).Status);
        Assert.True((await Store.VerifyAuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task CheckReadiness_WorkingStore_IsReady()
    {
        Assert.Equal(StoreReadiness.Ready, await Store.CheckReadinessAsync(Ct));
        Assert.True(await Store.PingAsync(Ct));
    }

    [Fact]
    public async Task CheckReadiness_WhileAnotherProcessHoldsTheWriterLock_IsNotReadyAndSaysLocked_ThenReadyAgain()
    {
        var clock = Stopwatch.StartNew();
        StoreReadiness locked;
        await using (await HoldWriterLockAsync(Database))
        {
            locked = await Store.CheckReadinessAsync(Ct);
        }

        Assert.False(locked.IsReady);
        Assert.Contains("locked", locked.Problem);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True((await Store.CheckReadinessAsync(Ct)).IsReady);
    }

    [Fact]
    public async Task CheckReadiness_WritesNothing()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var before = await Store.VerifyAuditAsync(Ct);

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await Store.CheckReadinessAsync(Ct)).IsReady);
        }

        Assert.Equal(before, await Store.VerifyAuditAsync(Ct));
        Assert.Equal(MigrationCount, await CountAsync("schema_migrations"));
    }

    [Fact]
    public async Task Migrate_FreshDatabase_ReportsANewStore_ThenNothing()
    {
        var fresh = await CreateEmptyDatabaseAsync();
        var store = Open(fresh);

        var first = await store.MigrateAsync(Ct);
        var second = await store.MigrateAsync(Ct);

        Assert.Equal(new MigrationOutcome(CreatedStore: true, Applied: (int)MigrationCount), first);
        Assert.Equal(new MigrationOutcome(CreatedStore: false, Applied: 0), second);
    }
}
