using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Switchback.Core.Bundles;

namespace Switchback.Storage.Tests.Conformance;

/// <summary>
/// The behaviour every <see cref="IRegistryStore"/> must have, run against a real database by each subclass.
/// Each test gets a fresh, migrated database (xunit makes a new instance per test).
/// </summary>
public abstract partial class RegistryStoreConformance : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    protected static readonly AuditContext Admin = new("admin", "test");

    private readonly List<IRegistryStore> opened = [];

    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>The database of this test (a file path or a connection string).</summary>
    protected string Database { get; private set; } = string.Empty;

    protected IRegistryStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Database = await CreateEmptyDatabaseAsync();
        Store = Open(Database);
        await Store.MigrateAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in opened)
        {
            await store.DisposeAsync();
        }

        await DropDatabasesAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates a new, empty database and returns how to reach it.</summary>
    protected abstract Task<string> CreateEmptyDatabaseAsync();

    /// <summary>A new store instance (own connections) on <paramref name="database"/>; not migrated.</summary>
    protected abstract IRegistryStore OpenStore(string database);

    /// <summary>Runs raw SQL on a database, bypassing the store (to tamper with it).</summary>
    protected abstract Task ExecuteSqlAsync(string database, string sql);

    /// <summary>Runs a scalar query on a database, bypassing the store.</summary>
    protected abstract Task<long> QueryLongAsync(string database, string sql);

    /// <summary>Removes every database this test created.</summary>
    protected abstract Task DropDatabasesAsync();

    protected IRegistryStore Open(string database)
    {
        var store = OpenStore(database);
        opened.Add(store);
        return store;
    }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static BundleContent Bundle(string deployment, string marker, int? version = null)
    {
        var json = $$$"""{"model":{"endpoint":"http://127.0.0.1:9001/v1","name":"m-{{{marker}}}","provider":"openai"}}""";
        return new BundleContent(deployment, version, json, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json))));
    }

    protected Task<long> CountAsync(string table) => QueryLongAsync(Database, $"SELECT count(*) FROM {table}");

    protected async Task<IReadOnlyList<string>> AuditActionsAsync()
        => (await Store.ListAuditAsync(new AuditQuery(), Ct)).Select(e => e.Action).ToList();
}
