using Npgsql;
using Switchback.Storage.Postgres;
using Switchback.Storage.Tests.Conformance;

namespace Switchback.Storage.Tests.Postgres;

/// <summary>
/// The conformance suite on a real PostgreSQL server (env <c>SWITCHBACK_TEST_POSTGRES</c>), a fresh database per test.
/// Without the server these tests fail: they are never skipped.
/// </summary>
public sealed class PostgresRegistryStoreTests : RegistryStoreConformance
{
    private const string EnvironmentVariable = "SWITCHBACK_TEST_POSTGRES";

    private readonly List<string> databases = [];

    private static string ServerConnectionString
        => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: run ./scripts/test.sh, which starts a throwaway PostgreSQL and sets it " +
                "(or set it yourself to an Npgsql connection string of a server where databases may be created).");

    protected override async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = "sb_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(ServerConnectionString, $"CREATE DATABASE {name}");
        databases.Add(name);
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    protected override IRegistryStore OpenStore(string database) => new PostgresRegistryStore(database, Time);

    protected override string OldestSchemaSql => PostgresSchema.Migrations[0].Sql;

    protected override string MigrationsTableSql => PostgresSchema.CreateMigrationsTable;

    protected override Task ExecuteSqlAsync(string database, string sql) => ExecuteAsync(database, sql);

    protected override async Task<long> QueryLongAsync(string database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct));
    }

    protected override async Task<IAsyncDisposable> HoldWriterLockAsync(string database)
    {
        // A session-level advisory lock on the writers' key, released when the connection closes.
        var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({PostgresRegistryStore.WriterLockKey})", connection);
        await command.ExecuteNonQueryAsync(Ct);
        return connection;
    }

    protected override async Task DropDatabasesAsync()
    {
        foreach (var name in databases)
        {
            await ExecuteAsync(ServerConnectionString, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }
}
