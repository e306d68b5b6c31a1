using Microsoft.Data.Sqlite;
using Switchback.Storage.Sqlite;
using Switchback.Storage.Tests.Conformance;

namespace Switchback.Storage.Tests.Sqlite;

/// <summary>The conformance suite on real SQLite files, a fresh temporary directory per test.</summary>
public sealed class SqliteRegistryStoreTests : RegistryStoreConformance
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "switchback-storage-tests", Guid.NewGuid().ToString("N"));
    private int files;

    protected override Task<string> CreateEmptyDatabaseAsync()
    {
        Directory.CreateDirectory(directory);
        return Task.FromResult(Path.Combine(directory, $"registry-{++files}.db"));
    }

    protected override IRegistryStore OpenStore(string database) => new SqliteRegistryStore(database, Time);

    protected override string OldestSchemaSql => SqliteSchema.Migrations[0].Sql;

    protected override string MigrationsTableSql => SqliteSchema.CreateMigrationsTable;

    protected override async Task ExecuteSqlAsync(string database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    protected override async Task<long> QueryLongAsync(string database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct));
    }

    protected override async Task<IAsyncDisposable> HoldWriterLockAsync(string database)
    {
        // What `sqlite3 FILE` with BEGIN EXCLUSIVE does: in WAL mode it blocks writers, not readers.
        var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = "BEGIN EXCLUSIVE";
        await command.ExecuteNonQueryAsync(Ct);
        return connection;
    }

    protected override Task DropDatabasesAsync()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Migrate_NewFile_UsesWalAndForeignKeys()
    {
        Assert.Equal(0, await QueryLongAsync(Database, "SELECT count(*) FROM pragma_foreign_key_check"));
        await using var connection = await OpenAsync(Database);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Dispose_ReleasesTheFile()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        await Store.DisposeAsync();

        File.Move(Database, Database + ".moved");

        Assert.True(File.Exists(Database + ".moved"));
    }

    private static async Task<SqliteConnection> OpenAsync(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        return connection;
    }
}
