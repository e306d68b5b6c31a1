using System.CommandLine;
using Switchback.Server.Hosting;
using Switchback.Storage;

namespace Switchback.Cli.Commands;

/// <summary>The <c>--store</c> option of the verbs that work on a SQLite file directly (<c>backup</c>, <c>restore</c>).</summary>
internal static class StoreOption
{
    public static Option<string> Create(string description) => new("--store")
    {
        Description = $"{description}: sqlite:PATH (default {ServerOptions.DefaultStore}, as for serve)",
        DefaultValueFactory = _ => ServerOptions.DefaultStore,
    };

    /// <summary>The file of a <c>sqlite:</c> spec; null, after printing why, for PostgreSQL or a malformed spec.</summary>
    public static async Task<string?> SqlitePathAsync(string spec, string verb)
    {
        try
        {
            if (RegistryStoreFactory.SqliteFilePath(spec) is { } path)
            {
                return path;
            }

            await Console.Error.WriteLineAsync(
                $"switchback {verb}: {verb} works on SQLite stores; for a PostgreSQL store use pg_dump and pg_restore (docs/operations.md).");
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"switchback {verb}: {ex.Message}");
        }

        return null;
    }
}
