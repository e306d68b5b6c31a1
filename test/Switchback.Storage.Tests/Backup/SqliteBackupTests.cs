using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Switchback.Core.Bundles;
using Switchback.Storage.Backup;
using Switchback.Storage.Sqlite;

namespace Switchback.Storage.Tests.Backup;

/// <summary><see cref="SqliteBackup"/> on real SQLite files: online copies, restores, and every file a restore must refuse.</summary>
public sealed class SqliteBackupTests : IAsyncLifetime
{
    private static readonly AuditContext Ops = new("ops", "test");

    private readonly string directory = Path.Combine(Path.GetTempPath(), "switchback-backup-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
    private SqliteRegistryStore store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string StorePath => Path.Combine(directory, "store.db");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        store = new SqliteRegistryStore(StorePath, time);
        await store.MigrateAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await store.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Backup_WhileAnotherConnectionKeepsRegistering_EveryCopyIsConsistentAndRestores()
    {
        // A second store instance (own connections) writes as a running server would, while backups are taken.
        await using var writer = new SqliteRegistryStore(StorePath, time);
        using var stop = new CancellationTokenSource();
        var registered = 0;
        var writing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && registered < 500)
            {
                await writer.RegisterAsync(Bundle("svc", $"n{registered}"), Ops, Ct);
                registered++;
            }
        }, Ct);
        var copies = new List<StoreFileSummary>();
        for (var i = 0; i < 4; i++)
        {
            // Each backup starts once the writer has made progress since the last one.
            var seen = registered;
            await WaitUntilAsync(() => registered > seen || writing.IsCompleted);
            copies.Add(await SqliteBackup.BackupAsync(StorePath, Path.Combine(directory, $"b{i}.db"), Ct));
        }

        await stop.CancelAsync();
        await writing;

        Assert.True(copies[0].Bundles > 0 && copies.Select(c => c.Bundles).SequenceEqual(copies.Select(c => c.Bundles).Order()), "later copies hold no fewer bundles");
        foreach (var copy in copies)
        {
            var result = await SqliteBackup.RestoreAsync(copy.Path, Path.Combine(directory, $"restored-{Path.GetFileName(copy.Path)}"), time, Ct);
            Assert.True(result.Audit.Ok, result.Audit.Problem);

            // Each registration is one bundle and one audit entry (the first also creates the deployment and moves an alias):
            // bundles and audit entries of each copy are of one instant.
            Assert.Equal(copy.Bundles + 2, result.Audit.EntriesChecked);
            Assert.Equal(copy.AuditHead!.Sequence, result.Audit.EntriesChecked);
            Assert.Equal((copy.Bundles, copy.AuditHead), (result.Store.Bundles, result.Store.AuditHead));
            Assert.False(File.Exists(copy.Path + "-wal"));
        }
    }

    [Fact]
    public async Task Restore_OverAnExistingStore_KeepsThatStoreAsideAndRestoresTheBackup()
    {
        await store.RegisterAsync(Bundle("svc", "a"), Ops, Ct);
        var backupPath = Path.Combine(directory, "backup.db");
        var backup = await SqliteBackup.BackupAsync(StorePath, backupPath, Ct);
        await store.RegisterAsync(Bundle("svc", "after-the-backup"), Ops, Ct);
        await store.DisposeAsync();
        time.Advance(TimeSpan.FromMinutes(5));

        var result = await SqliteBackup.RestoreAsync(backupPath, StorePath, time, Ct);

        Assert.Equal(StorePath + ".pre-restore-20260301T100500000Z", result.PreviousStore);
        Assert.Equal((0, 1L, 3L, backup.AuditHead), (result.MigrationsApplied, result.Store.Bundles, result.Audit.EntriesChecked, result.Store.AuditHead));
        store = new SqliteRegistryStore(StorePath, time);
        await store.MigrateAsync(Ct);
        Assert.Equal([1], (await store.ListBundlesAsync("svc", false, Ct)).Select(b => b.Version));
        await using var previous = new SqliteRegistryStore(result.PreviousStore!, time);
        Assert.Equal([1, 2], (await previous.ListBundlesAsync("svc", false, Ct)).Select(b => b.Version));
        Assert.Empty(Directory.GetFiles(directory, "*.restoring-*"));
    }

    [Fact]
    public async Task Restore_BackupOfTheOldestSchema_MigratesItToTheCurrentOne()
    {
        var old = Path.Combine(directory, "v1.db");
        await using (var connection = await OpenAsync(old))
        {
            await ExecuteAsync(connection, SqliteSchema.CreateMigrationsTable);
            await ExecuteAsync(connection, SqliteSchema.Migrations[0].Sql);
            await ExecuteAsync(connection, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'registry', '2026-01-01T00:00:00.000Z')");
            await ExecuteAsync(connection, "INSERT INTO deployments (name, created_at) VALUES ('svc', '2026-01-01T00:00:00.000Z')");
        }

        var result = await SqliteBackup.RestoreAsync(old, Path.Combine(directory, "upgraded.db"), time, Ct);

        Assert.Equal((1, SqliteBackup.CurrentSchemaVersion, SqliteBackup.CurrentSchemaVersion - 1), (result.Backup.SchemaVersion, result.Store.SchemaVersion, result.MigrationsApplied));
        Assert.Equal((1L, 0L), (result.Store.Deployments, result.Audit.EntriesChecked));
    }

    [Fact]
    public async Task Restore_MissingFile_RefusesNamingIt()
    {
        var missing = Path.Combine(directory, "nope.db");

        var refused = await Assert.ThrowsAsync<StoreBackupException>(() => SqliteBackup.RestoreAsync(missing, StorePath, time, Ct));

        Assert.Equal($"The backup {missing} does not exist.", refused.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("just some text, not a database at all")]
    public async Task Restore_FileThatIsNotADatabase_RefusesAndLeavesTheStore(string content)
    {
        var file = Path.Combine(directory, "notes.txt");
        await File.WriteAllTextAsync(file, content, Ct);

        var refused = await Assert.ThrowsAsync<StoreBackupException>(() => SqliteBackup.RestoreAsync(file, StorePath, time, Ct));

        Assert.Contains("is not a SQLite database", refused.Message);
        await AssertStoreUntouchedAsync();
    }

    [Fact]
    public async Task Restore_SqliteFileOfAnotherProgram_RefusesAsNotASwitchbackStore()
    {
        var other = Path.Combine(directory, "other.db");
        await using (var connection = await OpenAsync(other))
        {
            await ExecuteAsync(connection, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
        }

        var refused = await Assert.ThrowsAsync<StoreBackupException>(() => SqliteBackup.RestoreAsync(other, StorePath, time, Ct));

        Assert.Equal($"The backup {other} is a SQLite database but not a Switchback store: it has no schema_migrations table.", refused.Message);
        await AssertStoreUntouchedAsync();
    }

    [Fact]
    public async Task Restore_OtherProgramsSchemaMigrationsTable_RefusesAsNotASwitchbackStore()
    {
        var other = Path.Combine(directory, "rails.db");
        await using (var connection = await OpenAsync(other))
        {
            await ExecuteAsync(connection, SqliteSchema.CreateMigrationsTable);
            await ExecuteAsync(connection, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'create_users', '2026-01-01')");
        }

        var refused = await Assert.ThrowsAsync<StoreBackupException>(() => SqliteBackup.RestoreAsync(other, StorePath, time, Ct));

        Assert.Contains("not a Switchback store: its schema_migrations does not start with migration 1 'registry'", refused.Message);
    }

    [Fact]
    public async Task Restore_BackupFromANewerBuild_RefusesNamingBothSchemaVersions()
    {
        var backupPath = Path.Combine(directory, "newer.db");
        await SqliteBackup.BackupAsync(StorePath, backupPath, Ct);
        var newer = SqliteBackup.CurrentSchemaVersion + 1;
        await using (var connection = await OpenAsync(backupPath))
        {
            await ExecuteAsync(connection, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({newer}, 'future', '2027-01-01T00:00:00.000Z')");
        }

        var refused = await Assert.ThrowsAsync<StoreBackupException>(() => SqliteBackup.RestoreAsync(backupPath, StorePath, time, Ct));

        Assert.Contains($"has schema version {newer}, newer than this switchback knows ({SqliteBackup.CurrentSchemaVersion})", refused.Message);
        await AssertStoreUntouchedAsync();
    }

    [Fact]
    public async Task Restore_BackupWithAnEditedAuditEntry_RefusesNamingTheEntryAndLeavesTheStore()
    {
        await store.RegisterAsync(Bundle("svc", "a"), Ops, Ct);
        var backupPath = Path.Combine(directory, "edited.db");
        await SqliteBackup.BackupAsync(StorePath, backupPath, Ct);
        await using (var connection = await OpenAsync(backupPath))
        {
            await ExecuteAsync(connection, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2");
        }

        var refused = await Assert.ThrowsAsync<StoreBackupException>(() => SqliteBackup.RestoreAsync(backupPath, StorePath, time, Ct));

        Assert.Contains($"The audit log in the backup {backupPath} does not verify (entry 2:", refused.Message);
        Assert.EndsWith("Nothing was restored.", refused.Message);
        await AssertStoreUntouchedAsync(bundles: 1);
        Assert.Empty(Directory.GetFiles(directory, "*.restoring-*"));
    }

    [Fact]
    public async Task Backup_IntoAnExistingFile_RefusesAndKeepsTheFile()
    {
        var existing = Path.Combine(directory, "keep.txt");
        await File.WriteAllTextAsync(existing, "precious", Ct);

        var refused = await Assert.ThrowsAsync<StoreBackupException>(() => SqliteBackup.BackupAsync(StorePath, existing, Ct));

        Assert.Contains("already exists", refused.Message);
        Assert.Equal("precious", await File.ReadAllTextAsync(existing, Ct));
    }

    [Fact]
    public async Task Backup_MissingStoreOrMissingDirectory_RefusesAndCreatesNothing()
    {
        var missing = Path.Combine(directory, "absent.db");
        var noStore = await Assert.ThrowsAsync<StoreBackupException>(() => SqliteBackup.BackupAsync(missing, Path.Combine(directory, "b.db"), Ct));
        var noDirectory = await Assert.ThrowsAsync<StoreBackupException>(() => SqliteBackup.BackupAsync(StorePath, Path.Combine(directory, "no", "b.db"), Ct));

        Assert.Equal($"The store {missing} does not exist.", noStore.Message);
        Assert.Contains("does not exist", noDirectory.Message);
        Assert.False(File.Exists(missing));
        Assert.False(File.Exists(Path.Combine(directory, "b.db")));
    }

    private async Task AssertStoreUntouchedAsync(int bundles = 0)
    {
        Assert.Equal(bundles, (await store.ListBundlesAsync("svc", true, Ct)).Count);
        Assert.Empty(Directory.GetFiles(directory, "store.db.pre-restore-*"));
    }

    private static BundleContent Bundle(string deployment, string marker)
    {
        var json = $$$"""{"model":{"endpoint":"http://127.0.0.1:9001/v1","name":"m-{{{marker}}}","provider":"openai"}}""";
        return new BundleContent(deployment, null, json, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json))));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the writer made no progress within 30 s");
            await Task.Delay(5, Ct);
        }
    }

    private static async Task<SqliteConnection> OpenAsync(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
