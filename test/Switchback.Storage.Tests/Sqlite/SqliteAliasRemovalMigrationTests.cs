using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Switchback.Storage.Sqlite;

namespace Switchback.Storage.Tests.Sqlite;

/// <summary>Migration 8 rebuilds <c>alias_events</c> on SQLite: a registry written by the schema before it keeps its history.</summary>
public sealed class SqliteAliasRemovalMigrationTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "switchback-storage-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_FromSchemaSeven_KeepsAliasHistoryAndToVersionBecomesNullable()
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "old.db");
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            await connection.OpenAsync(Ct);
            await ExecuteAsync(connection, SqliteSchema.CreateMigrationsTable);
            foreach (var migration in SqliteSchema.Migrations.Where(m => m.Version <= 7))
            {
                await ExecuteAsync(connection, migration.Sql);
                await ExecuteAsync(connection, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({migration.Version}, '{migration.Name}', '2026-01-01T00:00:00.000Z')");
            }

            await ExecuteAsync(connection, "INSERT INTO deployments (name, created_at) VALUES ('svc', '2026-01-01T00:00:00.000Z')");
            await ExecuteAsync(connection, "INSERT INTO alias_events (deployment, alias, from_version, to_version, occurred_at, actor, reason) VALUES ('svc', 'candidate', NULL, 3, '2026-01-01T00:00:00.000Z', 'ops', 'old')");
        }

        await using var store = new SqliteRegistryStore(path, new FakeTimeProvider());
        await store.MigrateAsync(Ct);

        var history = await store.GetAliasHistoryAsync("svc", Ct);
        Assert.Equal(("candidate", (int?)null, (int?)3, "ops", "old"), (history[0].Alias, history[0].FromVersion, history[0].ToVersion, history[0].Actor, history[0].Reason));
        Assert.Single(history);
        await using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await check.OpenAsync(Ct);
        await using var command = check.CreateCommand();
        command.CommandText = "SELECT \"notnull\" FROM pragma_table_info('alias_events') WHERE name = 'to_version'";
        Assert.Equal(0L, Convert.ToInt64(await command.ExecuteScalarAsync(Ct)));
        command.CommandText = "SELECT count(*) FROM schema_migrations";
        Assert.Equal((long)SqliteSchema.Migrations.Count, Convert.ToInt64(await command.ExecuteScalarAsync(Ct)));
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
