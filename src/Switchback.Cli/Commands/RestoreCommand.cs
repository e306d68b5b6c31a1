using System.CommandLine;
using Switchback.Server.Hosting;
using Switchback.Storage.Backup;

namespace Switchback.Cli.Commands;

/// <summary>
/// <c>switchback restore FILE [--store sqlite:PATH]</c>: replaces a SQLite store with a backup, migrated to the current schema
/// and with its audit chain verified. Holds the server's lock throughout, so it refuses while <c>serve</c> runs on the store and
/// no server can start on it halfway.
/// </summary>
internal static class RestoreCommand
{
    internal static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The backup file (made by 'switchback backup')" };
        var store = StoreOption.Create("The SQLite store to replace (the one there is kept as PATH.pre-restore-TIME)");
        var command = new Command("restore", "Replace a SQLite store with a backup; verifies the audit log of what it restored")
        {
            file,
            store,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (await StoreOption.SqlitePathAsync(parse.GetValue(store)!, "restore") is not { } path)
            {
                return ExitCodes.Error;
            }

            using var serveLock = ServeLock.TryTake(path, out var problem);
            if (serveLock is null)
            {
                await Console.Error.WriteLineAsync($"switchback restore: refusing to replace the store {path}: {problem}. Stop that server first.");
                return ExitCodes.Error;
            }

            try
            {
                var result = await SqliteBackup.RestoreAsync(parse.GetValue(file)!, path, TimeProvider.System, ct);
                var backup = result.Backup;
                await Console.Out.WriteLineAsync(
                    $"Restored {backup.Path} (schema version {backup.SchemaVersion}) into {result.Store.Path}: {result.Store.Deployments} deployments, " +
                    $"{result.Store.Bundles} bundles; {result.MigrationsApplied} migrations applied (schema version now {result.Store.SchemaVersion}).");
                var head = result.Store.AuditHead is { } anchor ? $"; head {anchor}" : string.Empty;
                await Console.Out.WriteLineAsync($"Audit log OK: {result.Audit.EntriesChecked} entries verified{head}.");
                if (result.PreviousStore is { } previous)
                {
                    await Console.Out.WriteLineAsync($"The store that was there is kept at {previous}.");
                }

                return ExitCodes.Ok;
            }
            catch (StoreBackupException ex)
            {
                await Console.Error.WriteLineAsync($"switchback restore: {ex.Message}");
                return ExitCodes.Error;
            }
        });
        return command;
    }
}
