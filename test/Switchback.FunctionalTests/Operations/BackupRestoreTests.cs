using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Switchback.Storage.Backup;
using System.Text.RegularExpressions;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Operations;

/// <summary><c>switchback backup</c> and <c>restore</c> as real processes, beside a real <c>switchback serve</c> (docs/operations.md).</summary>
public sealed partial class BackupRestoreTests
{
    [Fact]
    public async Task BackupWhileServing_RestoreRefusedWhileServing_RestoredStoreServesTheBackedUpRegistry()
    {
        using var dir = new TempDir();
        var backup = dir.File("backup.db");
        string anchor;
        using (var server = await ServerProcess.StartAsync(dir.SqliteStore))
        {
            Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("two.yaml", Manifests.TwoVersions()))).ExitCode);

            var backedUp = await CliRunner.RunAsync(null, null, "backup", backup, "--store", dir.SqliteStore);

            Assert.True(backedUp.ExitCode == 0, backedUp.ToString());
            Assert.Contains($"schema version {SqliteBackup.CurrentSchemaVersion}, 1 deployments, 2 bundles", backedUp.Stdout);
            anchor = AnchorPattern().Match(backedUp.Stdout).Groups[1].Value;
            Assert.NotEmpty(anchor);

            var refused = await CliRunner.RunAsync(null, null, "restore", backup, "--store", dir.SqliteStore);

            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.Contains($"refusing to replace the store {dir.File("s.db")}", refused.Stderr);
            Assert.Contains("Stop that server first.", refused.Stderr);
            Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("three.yaml", Manifests.Bundle(version: 3, temperature: 0.5)))).ExitCode);
            Assert.Equal([1, 2, 3], await VersionsAsync(server));
        }

        var restored = await CliRunner.RunAsync(null, null, "restore", backup, "--store", dir.SqliteStore);

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains($"Audit log OK: {anchor.Split(':')[0]} entries verified; head {anchor}.", restored.Stdout);
        Assert.Contains($"The store that was there is kept at {dir.File("s.db")}.pre-restore-", restored.Stdout);
        using (var server = await ServerProcess.StartAsync(dir.SqliteStore))
        {
            Assert.Equal([1, 2], await VersionsAsync(server));
            var verify = await server.CliAsync("audit", "verify", "--anchor", anchor);
            Assert.True(verify.ExitCode == 0, verify.ToString());
        }
    }

    [Fact]
    public async Task BackupAndRestore_MalformedInput_ExitWithClearErrors()
    {
        using var dir = new TempDir();
        var store = dir.SqliteStore;
        var notes = dir.Write("notes.txt", "not a database");
        var other = await SqliteFileAsync(dir.File("other.db"), "CREATE TABLE notes (id INTEGER PRIMARY KEY)");
        var newer = await SqliteFileAsync(dir.File("newer.db"),
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            "INSERT INTO schema_migrations VALUES (1, 'registry', '2026-01-01T00:00:00.000Z'), (99, 'future', '2027-01-01T00:00:00.000Z')");

        var cases = new (string[] Args, int Exit, string Error)[]
        {
            (["restore", dir.File("missing.db"), "--store", store], 1, $"switchback restore: The backup {dir.File("missing.db")} does not exist."),
            (["restore", notes, "--store", store], 1, $"switchback restore: The backup {notes} is not a SQLite database"),
            (["restore", other, "--store", store], 1, $"switchback restore: The backup {other} is a SQLite database but not a Switchback store: it has no schema_migrations table."),
            (["restore", newer, "--store", store], 1, $"switchback restore: The backup {newer} has schema version 99, newer than this switchback knows ({SqliteBackup.CurrentSchemaVersion})"),
            (["backup", dir.File("b.db"), "--store", store], 1, $"switchback backup: The store {dir.File("s.db")} does not exist."),
            (["backup", notes, "--store", store], 1, "already exists: choose a new name"),
            (["backup", dir.File("b.db"), "--store", "postgres:Host=127.0.0.1;Username=sb"], 1, "use pg_dump and pg_restore (docs/operations.md)"),
            (["restore", notes, "--store", "mysql://db"], 1, "switchback restore: unknown store 'mysql:…'"),
            (["restore"], 2, "Required argument missing for command: 'restore'"),
        };
        foreach (var (args, exit, error) in cases)
        {
            var result = await CliRunner.RunAsync(null, null, args);
            Assert.True(result.ExitCode == exit && result.Stderr.Contains(error, StringComparison.Ordinal), $"{string.Join(' ', args)}: {result}");
        }

        Assert.False(File.Exists(dir.File("s.db")), "a refused backup or restore created the store");
    }

    private static async Task<string> SqliteFileAsync(string path, params string[] statements)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var sql in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return path;
    }

    private static async Task<List<int>> VersionsAsync(ServerProcess server)
    {
        var list = await server.CliAsync("bundle", "list", "support-bot", "--output", "json");
        Assert.True(list.ExitCode == 0, list.ToString());
        return JsonNode.Parse(list.Stdout)!["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<int>()).ToList();
    }

    [GeneratedRegex(@"audit verify --anchor (\d+:sha256:[0-9a-f]{64})")]
    private static partial Regex AnchorPattern();
}
