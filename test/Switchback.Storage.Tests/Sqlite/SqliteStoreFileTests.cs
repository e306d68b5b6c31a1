using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Switchback.Core.Bundles;
using Switchback.Storage.Sqlite;

namespace Switchback.Storage.Tests.Sqlite;

/// <summary>The SQLite file deleted or replaced under an open store (issue 17): real files, real unlink and rename.</summary>
public sealed class SqliteStoreFileTests : IAsyncLifetime
{
    private static readonly AuditContext Admin = new("admin", "test");

    private readonly string directory = Path.Combine(Path.GetTempPath(), "switchback-storage-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly List<IRegistryStore> stores = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string StorePath => Path.Combine(directory, "registry.db");

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task FileDeletedWithWalAndShm_UnderAnOpenStore_PingFalseAndWritesThrowStoreUnavailable_NoFileIsCreated()
    {
        var store = await OpenMigratedAsync(StorePath);
        await store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);

        DeleteStoreFiles(StorePath);

        Assert.False(await store.PingAsync(Ct));
        var readiness = await store.CheckReadinessAsync(Ct);
        var write = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.RegisterAsync(Bundle("svc", "b"), Admin, Ct));
        var key = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CreateKeyAsync("ci", Core.Access.Role.Operator, "sha256:ff", Admin, Ct));
        Assert.Contains($"store file at {StorePath} was deleted or replaced", readiness.Problem);
        Assert.Contains($"store file at {StorePath} was deleted or replaced", write.Message);
        Assert.Equal(write.Message, key.Message);
        Assert.False(File.Exists(StorePath), "a lost store must not come back as a new, empty file");
    }

    [Fact]
    public async Task FileDeleted_BeforeAnyPooledConnectionExisted_NewConnectionsDoNotCreateAFile()
    {
        var store = await OpenMigratedAsync(StorePath);
        SqliteConnection.ClearAllPools();

        DeleteStoreFiles(StorePath);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ListDeploymentsAsync(Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.RegisterAsync(Bundle("svc", "a"), Admin, Ct));
        Assert.False(File.Exists(StorePath));
    }

    [Fact]
    public async Task FileReplacedByAnotherStore_UnderAnOpenStore_PingFalseAndWritesThrow_TheOtherStoreIsUntouched()
    {
        var store = await OpenMigratedAsync(StorePath);
        await store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var otherPath = Path.Combine(directory, "other.db");
        var other = await OpenMigratedAsync(otherPath);
        await other.RegisterAsync(Bundle("elsewhere", "a"), Admin, Ct);
        await other.DisposeAsync();

        DeleteStoreFiles(StorePath);
        File.Move(otherPath, StorePath);

        Assert.False(await store.PingAsync(Ct));
        var write = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.RegisterAsync(Bundle("svc", "b"), Admin, Ct));
        Assert.Contains("was deleted or replaced", write.Message);
        await using var reopened = await OpenMigratedAsync(StorePath);
        Assert.Equal(["elsewhere"], (await reopened.ListDeploymentsAsync(Ct)).Select(d => d.Name));
    }

    [Fact]
    public async Task FileReplaced_AfterIdleConnectionsWereClosed_IsCaughtByTheStoreIdentity()
    {
        var store = await OpenMigratedAsync(StorePath);
        await store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var otherPath = Path.Combine(directory, "other.db");
        await (await OpenMigratedAsync(otherPath)).DisposeAsync();

        // The driver closes idle pooled connections after a while; new ones open whatever file is at the path then.
        SqliteConnection.ClearAllPools();
        DeleteStoreFiles(StorePath);
        File.Move(otherPath, StorePath);

        var read = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ListDeploymentsAsync(Ct));
        Assert.Contains("was deleted or replaced", read.Message);
        Assert.False(await store.PingAsync(Ct));
    }

    [Fact]
    public async Task LostStore_StaysLost_EvenWhenTheFileComesBack()
    {
        var store = await OpenMigratedAsync(StorePath);
        var backup = Path.Combine(directory, "backup.db");
        File.Move(StorePath, backup);
        Assert.False(await store.PingAsync(Ct));

        File.Move(backup, StorePath);

        // Writes made to the other file meanwhile, if any, are unknown here: only a restart may trust the file again.
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.RegisterAsync(Bundle("svc", "a"), Admin, Ct));
        await using var restarted = await OpenMigratedAsync(StorePath);
        Assert.True(await restarted.PingAsync(Ct));
    }

    [Fact]
    public async Task Migrate_CreatesTheFile_OtherCallsOnAMissingFile_ThrowStoreUnavailableAndCreateNothing()
    {
        var store = Track(new SqliteRegistryStore(StorePath, time));

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ListDeploymentsAsync(Ct));
        Assert.False(await store.PingAsync(Ct));
        Assert.False(File.Exists(StorePath));

        Assert.True((await store.MigrateAsync(Ct)).CreatedStore);
        Assert.True(File.Exists(StorePath));
        Assert.Equal(StorePath, store.Location);
    }

    private static void DeleteStoreFiles(string path)
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }

    private static BundleContent Bundle(string deployment, string marker)
    {
        var json = $$$"""{"model":{"endpoint":"http://127.0.0.1:9001/v1","name":"m-{{{marker}}}","provider":"openai"}}""";
        return new BundleContent(deployment, null, json, "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json))));
    }

    private async Task<IRegistryStore> OpenMigratedAsync(string path)
    {
        var store = Track(new SqliteRegistryStore(path, time));
        await store.MigrateAsync(Ct);
        return store;
    }

    private IRegistryStore Track(IRegistryStore store)
    {
        stores.Add(store);
        return store;
    }
}
