using System.Globalization;
using Microsoft.Data.Sqlite;
using Switchback.Storage.Sqlite;

namespace Switchback.Storage.Backup;

/// <summary>
/// Backup and restore of a SQLite store (docs/operations.md). A backup is SQLite's online backup: one read transaction copies
/// every page, so it is a consistent snapshot while <c>switchback serve</c> keeps writing (WAL readers never block the writer).
/// A restore checks the backup, copies it beside the store, migrates the copy to the current schema, verifies its audit
/// chain and only then moves it into place, so a refused restore never touches the store. Keeping a running server off the
/// store during a restore is the caller's job (the CLI takes the server's lock). Stateless.
/// </summary>
public static class SqliteBackup
{
    /// <summary>The schema version this build writes.</summary>
    public static int CurrentSchemaVersion => SqliteSchema.Migrations[^1].Version;

    /// <summary>Copies the store at <paramref name="storePath"/> into the new file <paramref name="backupPath"/>; returns what the copy holds.</summary>
    public static async Task<StoreFileSummary> BackupAsync(string storePath, string backupPath, CancellationToken cancellationToken = default)
    {
        storePath = Path.GetFullPath(storePath);
        backupPath = Path.GetFullPath(backupPath);
        RefuseSamePath(storePath, backupPath);
        if (File.Exists(backupPath) || Directory.Exists(backupPath))
        {
            throw new StoreBackupException($"The backup file {backupPath} already exists: choose a new name (a backup never overwrites a file).");
        }

        var directory = Path.GetDirectoryName(backupPath)!;
        if (!Directory.Exists(directory))
        {
            throw new StoreBackupException($"The directory {directory} of the backup file does not exist.");
        }

        // A newer schema is copied as it is: a backup changes nothing, and only a restore must understand the file.
        await StoreFileInspector.InspectAsync(storePath, "store", allowNewerSchema: true, cancellationToken);
        var partial = $"{backupPath}.partial-{Guid.NewGuid():N}";
        try
        {
            await CopyAsync(storePath, partial, cancellationToken);
            File.Move(partial, backupPath, overwrite: false);
        }
        finally
        {
            DeleteWithCompanions(partial);
        }

        return await StoreFileInspector.InspectAsync(backupPath, "backup", allowNewerSchema: true, cancellationToken);
    }

    /// <summary>
    /// Replaces the store at <paramref name="storePath"/> with the backup at <paramref name="backupPath"/>, migrated to the current
    /// schema and with its audit chain verified; a store already at the path is moved to <c>PATH.pre-restore-TIME</c>.
    /// </summary>
    public static async Task<RestoreResult> RestoreAsync(string backupPath, string storePath, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        backupPath = Path.GetFullPath(backupPath);
        storePath = Path.GetFullPath(storePath);
        RefuseSamePath(storePath, backupPath);
        if (Directory.Exists(storePath))
        {
            throw new StoreBackupException($"The store path {storePath} is a directory, not a SQLite file.");
        }

        var backup = await StoreFileInspector.InspectAsync(backupPath, "backup", allowNewerSchema: false, cancellationToken);
        Directory.CreateDirectory(Path.GetDirectoryName(storePath)!);
        var staging = $"{storePath}.restoring-{Guid.NewGuid():N}";
        try
        {
            await CopyAsync(backupPath, staging, cancellationToken);
            MigrationOutcome migration;
            Core.Audit.AuditVerifyResult audit;
            await using (var store = new SqliteRegistryStore(staging, time))
            {
                migration = await store.MigrateAsync(cancellationToken);
                audit = await store.VerifyAuditAsync(cancellationToken);
            }

            if (!audit.Ok)
            {
                throw new StoreBackupException(
                    $"The audit log in the backup {backupPath} does not verify (entry {audit.FirstBrokenSequence?.ToString(CultureInfo.InvariantCulture) ?? "?"}: " +
                    $"{audit.Problem}; {audit.EntriesChecked.ToString(CultureInfo.InvariantCulture)} entries verified before it): the backup was edited or damaged. Nothing was restored.");
            }

            // Disposing the store closed its connections: the last one folded the WAL into the file.
            var staged = await StoreFileInspector.InspectAsync(staging, "restored store", allowNewerSchema: false, cancellationToken);
            string? previous = null;
            if (File.Exists(storePath))
            {
                previous = $"{storePath}.pre-restore-{time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}";
                MoveWithCompanions(storePath, previous);
            }
            else
            {
                // A -wal left without its database would be replayed into the restored file by the next open.
                MoveWithCompanions(storePath, $"{storePath}.orphan-{Guid.NewGuid():N}");
            }

            MoveWithCompanions(staging, storePath);
            return new RestoreResult(backup, staged with { Path = storePath }, migration.Applied, audit, previous);
        }
        finally
        {
            DeleteWithCompanions(staging);
        }
    }

    private static void RefuseSamePath(string storePath, string backupPath)
    {
        if (string.Equals(storePath, backupPath, StringComparison.Ordinal))
        {
            throw new StoreBackupException($"The backup file and the store are the same file ({storePath}).");
        }
    }

    private static async Task CopyAsync(string source, string destination, CancellationToken cancellationToken)
    {
        await using var from = await StoreFileInspector.OpenAsync(source, SqliteOpenMode.ReadWrite, cancellationToken);
        await using var to = await StoreFileInspector.OpenAsync(destination, SqliteOpenMode.ReadWriteCreate, cancellationToken);

        // One sqlite3_backup_step(-1): every page under one read transaction of the source.
        from.BackupDatabase(to);

        // The copy is one self-contained file: no -wal beside it to lose when it is copied elsewhere.
        await using var command = to.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = DELETE";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private static readonly string[] Companions = [string.Empty, "-wal", "-shm", "-journal"];

    private static void MoveWithCompanions(string from, string to)
    {
        foreach (var suffix in Companions)
        {
            if (File.Exists(from + suffix))
            {
                File.Move(from + suffix, to + suffix, overwrite: false);
            }
        }
    }

    private static void DeleteWithCompanions(string path)
    {
        foreach (var suffix in Companions)
        {
            File.Delete(path + suffix);
        }
    }
}
