using System.Globalization;
using Microsoft.Data.Sqlite;
using Switchback.Core.Audit;
using Switchback.Storage.Sqlite;

namespace Switchback.Storage.Backup;

/// <summary>
/// Reads a SQLite file without migrating or changing it and says whether it is a Switchback store this build can use: a SQLite
/// database, intact (<c>PRAGMA quick_check</c>), whose <c>schema_migrations</c> names this build's migrations. Stateless.
/// </summary>
internal static class StoreFileInspector
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>The summary of the file at <paramref name="path"/>; <paramref name="role"/> ("store", "backup") names it in errors.</summary>
    public static async Task<StoreFileSummary> InspectAsync(string path, string role, bool allowNewerSchema, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            throw new StoreBackupException($"The {role} {path} is a directory, not a SQLite file.");
        }

        if (!File.Exists(path))
        {
            throw new StoreBackupException($"The {role} {path} does not exist.");
        }

        await CheckHeaderAsync(path, role, cancellationToken);
        try
        {
            await using var connection = await OpenAsync(path, SqliteOpenMode.ReadWrite, cancellationToken);
            var check = (string?)await ScalarAsync(connection, "PRAGMA quick_check", cancellationToken);
            if (check != "ok")
            {
                throw new StoreBackupException($"The {role} {path} is damaged (SQLite's quick_check: {check}).");
            }

            var version = await SchemaVersionAsync(connection, path, role, allowNewerSchema, cancellationToken);
            var deployments = await CountAsync(connection, "deployments", cancellationToken);
            var bundles = await CountAsync(connection, "bundles", cancellationToken);
            AuditAnchor? head = null;
            if (await TableExistsAsync(connection, "audit_head", cancellationToken))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT seq, hash FROM audit_head WHERE id = 1";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    head = new AuditAnchor(reader.GetInt64(0), reader.GetString(1));
                }
            }

            return new StoreFileSummary(path, version, deployments, bundles, head, new FileInfo(path).Length);
        }
        catch (SqliteException ex)
        {
            throw new StoreBackupException($"The {role} {path} cannot be read as a Switchback store: {ex.Message}", ex);
        }
    }

    /// <summary>A connection without pooling, so closing it closes the file (and checkpoints a WAL).</summary>
    public static async Task<SqliteConnection> OpenAsync(string path, SqliteOpenMode mode, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString())
        {
            DefaultTimeout = (int)Math.Ceiling(WriterLockWait.Current.TotalSeconds),
        };
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {((long)WriterLockWait.Current.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task CheckHeaderAsync(string path, string role, CancellationToken cancellationToken)
    {
        // SQLite opens any file lazily and only fails at the first query with "file is not a database"; the header says it first.
        var header = new byte[SqliteHeader.Length];
        int read;
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        }

        if (read < header.Length || !header.AsSpan().SequenceEqual(SqliteHeader))
        {
            throw new StoreBackupException($"The {role} {path} is not a SQLite database (it does not start with the SQLite header).");
        }
    }

    private static async Task<int> SchemaVersionAsync(SqliteConnection connection, string path, string role, bool allowNewerSchema, CancellationToken cancellationToken)
    {
        var notOurs = $"The {role} {path} is a SQLite database but not a Switchback store";
        if (!await TableExistsAsync(connection, "schema_migrations", cancellationToken))
        {
            throw new StoreBackupException($"{notOurs}: it has no schema_migrations table.");
        }

        var recorded = new List<(int Version, string Name)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT version, name FROM schema_migrations ORDER BY version";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded.Add((reader.GetInt32(0), reader.GetString(1)));
            }
        }

        var known = SqliteSchema.Migrations.ToDictionary(m => m.Version, m => m.Name);
        if (recorded.Count == 0 || recorded[0] != (1, known[1]))
        {
            throw new StoreBackupException($"{notOurs}: its schema_migrations does not start with migration 1 '{known[1]}'.");
        }

        foreach (var (version, name) in recorded)
        {
            if (known.TryGetValue(version, out var expected) && expected != name)
            {
                throw new StoreBackupException($"{notOurs}: its migration {version} is '{name}', where Switchback's is '{expected}'.");
            }
        }

        var newest = recorded[^1].Version;
        var current = SqliteSchema.Migrations[^1].Version;
        if (newest > current && !allowNewerSchema)
        {
            throw new StoreBackupException(
                $"The {role} {path} has schema version {newest}, newer than this switchback knows ({current}): a newer switchback wrote it. " +
                "Use that version or a newer one.");
        }

        return newest;
    }

    private static async Task<bool> TableExistsAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $t";
        command.Parameters.AddWithValue("$t", table);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<long> CountAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
        => await TableExistsAsync(connection, table, cancellationToken)
            ? Convert.ToInt64(await ScalarAsync(connection, $"SELECT count(*) FROM {table}", cancellationToken), CultureInfo.InvariantCulture)
            : 0;

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
