using Npgsql;
using Switchback.Storage.Postgres;
using Switchback.Storage.Sqlite;

namespace Switchback.Storage;

/// <summary>Opens the registry store a <c>--store</c> spec names. The store is not migrated: call <see cref="IRegistryStore.MigrateAsync"/>.</summary>
public static class RegistryStoreFactory
{
    /// <summary>The spec forms accepted, as shown in error messages.</summary>
    public const string AcceptedForms =
        "sqlite:PATH (for example sqlite:./switchback.db) or postgres:CONNECTION-STRING " +
        "(an Npgsql key=value string, for example postgres:Host=127.0.0.1;Port=5432;Username=switchback;Database=switchback)";

    private const string SqlitePrefix = "sqlite:";
    private const string PostgresPrefix = "postgres:";

    /// <summary>
    /// A store for <c>sqlite:PATH</c> (relative to the current directory; the directory is created if missing) or
    /// <c>postgres:CONNSTRING</c>. Throws <see cref="ArgumentException"/> naming the accepted forms for anything else.
    /// </summary>
    public static IRegistryStore Create(string storeSpec, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (SqliteFilePath(storeSpec) is { } path)
        {
            var directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            return new SqliteRegistryStore(path, time);
        }

        return new PostgresRegistryStore(PostgresConnectionString(storeSpec.Trim()[PostgresPrefix.Length..]), time);
    }

    /// <summary>
    /// The absolute file path of a <c>sqlite:PATH</c> spec, or null for a <c>postgres:</c> spec; creates nothing. Throws
    /// <see cref="ArgumentException"/> naming the accepted forms for anything else.
    /// </summary>
    public static string? SqliteFilePath(string storeSpec)
    {
        if (string.IsNullOrWhiteSpace(storeSpec))
        {
            throw new ArgumentException($"a store is required: use {AcceptedForms}", nameof(storeSpec));
        }

        var spec = storeSpec.Trim();
        if (spec.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return SqlitePath(spec[SqlitePrefix.Length..]);
        }

        return spec.StartsWith(PostgresPrefix, StringComparison.OrdinalIgnoreCase) ? null : throw UnknownStore(spec);
    }

    private static ArgumentException UnknownStore(string spec)
    {
        // Show only what comes before the first ':' — the rest may hold a password.
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var shown = colon < 0 ? (spec.Length > 40 ? spec[..40] + "…" : spec) : spec[..(colon + 1)] + "…";
        return new ArgumentException($"unknown store '{shown}': use {AcceptedForms}", "storeSpec");
    }

    private static string SqlitePath(string path)
    {
        path = path.Trim();
        if (path.Length == 0 || path.StartsWith(':'))
        {
            throw new ArgumentException($"sqlite: needs a file path (an in-memory database would lose the registry): use {AcceptedForms}", "storeSpec");
        }

        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new ArgumentException($"sqlite: '{path}' is a directory, not a database file: use {AcceptedForms}", "storeSpec");
        }

        return full;
    }

    private static string PostgresConnectionString(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString.Trim());
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The message of the underlying error is dropped on purpose: it may quote a password.
            throw new ArgumentException($"postgres: the connection string is not a valid Npgsql key=value string: use {AcceptedForms}", "storeSpec");
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException($"postgres: the connection string names no Host: use {AcceptedForms}", "storeSpec");
        }

        return builder.ConnectionString;
    }
}
