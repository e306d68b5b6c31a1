using Npgsql;

namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>A fresh database <c>sb_GUID</c> on the server named by SWITCHBACK_TEST_POSTGRES; dropped on dispose.</summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string admin;

    private PostgresDatabase(string admin, string name)
    {
        this.admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public string StoreSpec => "postgres:" + ConnectionString;

    /// <summary>Creates the database; fails (never skips) when SWITCHBACK_TEST_POSTGRES is not set.</summary>
    public static async Task<PostgresDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable("SWITCHBACK_TEST_POSTGRES");
        Assert.False(
            string.IsNullOrWhiteSpace(admin),
            "SWITCHBACK_TEST_POSTGRES is not set: run the tests with ./scripts/test.sh, which starts a throwaway PostgreSQL and sets it.");
        var database = new PostgresDatabase(admin!, "sb_" + Guid.NewGuid().ToString("N"));
        await database.ExecuteAsync($"CREATE DATABASE {database.Name}");
        return database;
    }

    /// <summary>Drops the database even while a server is connected to it.</summary>
    public Task DropAsync() => ExecuteAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");

    public async ValueTask DisposeAsync() => await DropAsync();

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
