using System.CommandLine;
using System.Globalization;
using Switchback.Storage.Backup;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback backup FILE [--store sqlite:PATH]</c>: an online copy of a SQLite store, safe while <c>serve</c> runs.</summary>
internal static class BackupCommand
{
    internal static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The backup file to create (never overwritten)" };
        var store = StoreOption.Create("The SQLite store to back up");
        var command = new Command("backup", "Copy a SQLite store into a new file while the server keeps running (PostgreSQL: pg_dump, see docs/operations.md)")
        {
            file,
            store,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (await StoreOption.SqlitePathAsync(parse.GetValue(store)!, "backup") is not { } path)
            {
                return ExitCodes.Error;
            }

            try
            {
                var copy = await SqliteBackup.BackupAsync(path, parse.GetValue(file)!, ct);
                await Console.Out.WriteLineAsync(
                    $"Backed up {path} to {copy.Path} (schema version {copy.SchemaVersion}, {copy.Deployments} deployments, " +
                    $"{copy.Bundles} bundles, {copy.Bytes.ToString(CultureInfo.InvariantCulture)} bytes).");
                await Console.Out.WriteLineAsync(copy.AuditHead is { } head
                    ? $"Audit head: entry {head.Sequence}, hash {head.Hash}. After a restore, 'switchback audit verify --anchor {head}' shows the log still holds it."
                    : "Audit head: the audit log is empty.");
                return ExitCodes.Ok;
            }
            catch (StoreBackupException ex)
            {
                await Console.Error.WriteLineAsync($"switchback backup: {ex.Message}");
                return ExitCodes.Error;
            }
        });
        return command;
    }
}
