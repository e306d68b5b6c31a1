using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Switchback.Storage.Migrations;
using Switchback.Storage.Sql;

namespace Switchback.Storage.Sqlite;

/// <summary>
/// The registry in one SQLite file (WAL). Every write transaction starts with <c>BEGIN IMMEDIATE</c>, which takes the file's
/// single writer lock up front, so writers from any number of connections or processes run one after another and version
/// numbers and the audit chain stay contiguous; a waiting writer retries for up to <see cref="WriterLockWait.Current"/>.
/// Only <see cref="SqlRegistryStore.MigrateAsync"/> may create the file. Every session checks that the file under its
/// connection is still the one at the path and still has the identity seen at start; once it is not, the store is lost for
/// good (every call throws <see cref="StoreUnavailableException"/> until the process restarts).
/// </summary>
internal sealed class SqliteRegistryStore : SqlRegistryStore
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private readonly string connectionString;
    private readonly string createConnectionString;
    private string? identity;
    private int lost;

    public SqliteRegistryStore(string path, TimeProvider time)
        : base(time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = Path.GetFullPath(path);

        // ReadWrite, not ReadWriteCreate: a pooled connection opened after the file was deleted must fail, not create an empty store.
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWrite,
            ForeignKeys = true,
            Pooling = true,
        }.ToString();
        createConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FilePath { get; }

    public override string Location => FilePath;

    protected override IReadOnlyList<Migration> Migrations => SqliteSchema.Migrations;

    protected override string CreateMigrationsTableSql => SqliteSchema.CreateMigrationsTable;

    protected override async Task<SqlSession> BeginCoreAsync(bool write, CancellationToken cancellationToken)
    {
        ThrowIfLost();
        var connection = await OpenAsync(connectionString, cancellationToken);
        SqlSession? session = null;
        try
        {
            if (SqliteFileCheck.HasMoved(connection) ?? !File.Exists(FilePath))
            {
                throw Lose(null);
            }

            // deferred: false ⇒ BEGIN IMMEDIATE; a read uses a plain BEGIN so its snapshot starts at its first query.
            var transaction = connection.BeginTransaction(deferred: !write);
            session = new SqlSession(connection, transaction, Unavailable, cancellationToken);
            await CheckIdentityAsync(session);
            return session;
        }
        catch
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
            else
            {
                await connection.DisposeAsync();
            }

            throw;
        }
    }

    protected override async Task PrepareForMigrationAsync(CancellationToken cancellationToken)
    {
        // The one place that may create the file. WAL is a property of the file: set once, it stays for every later connection.
        await using var connection = await OpenAsync(createConnectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    protected override async Task OnMigratedAsync(CancellationToken cancellationToken)
    {
        // Opening a session learns the identity of the migrated store, before anything can replace it.
        await using var session = await BeginCoreAsync(write: false, cancellationToken);
    }

    protected override StoreUnavailableException? Unavailable(DbException exception)
    {
        if (exception is not SqliteException sqlite)
        {
            return null;
        }

        return sqlite.SqliteErrorCode switch
        {
            raw.SQLITE_BUSY or raw.SQLITE_LOCKED => new StoreUnavailableException(
                $"The store at {FilePath} is locked by another connection or process: its write lock was not free within " +
                $"{WriterLockWait.Current.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s. Retry later; if it persists, " +
                "look for a process holding the file (for example an sqlite3 shell in a transaction).",
                sqlite),
            // Missing after this store saw it: lost. Missing before it ever opened: only MigrateAsync may create it.
            raw.SQLITE_CANTOPEN when !File.Exists(FilePath) => Volatile.Read(ref identity) is null
                ? new StoreUnavailableException($"There is no store at {FilePath}: it is created only at start-up (MigrateAsync).", sqlite)
                : Lose(sqlite),
            raw.SQLITE_READONLY when sqlite.SqliteExtendedErrorCode == raw.SQLITE_READONLY_DBMOVED => Lose(sqlite),
            raw.SQLITE_CANTOPEN or raw.SQLITE_READONLY or raw.SQLITE_PERM or raw.SQLITE_IOERR or raw.SQLITE_FULL
                or raw.SQLITE_CORRUPT or raw.SQLITE_NOTADB or raw.SQLITE_PROTOCOL => new StoreUnavailableException(
                $"The store at {FilePath} cannot be used: {sqlite.Message}", sqlite),
            _ => null,
        };
    }

    protected override object TimeValue(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal)
        => DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    protected override ValueTask DisposeCoreAsync()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        ClearPool();
        return ValueTask.CompletedTask;
    }

    private static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        // Both SQLite's busy handler and the driver's own retry loop (whole seconds) wait up to the flow's writer lock wait.
        var wait = WriterLockWait.Current;
        var connection = new SqliteConnection(connectionString) { DefaultTimeout = (int)Math.Ceiling(wait.TotalSeconds) };
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task CheckIdentityAsync(SqlSession session)
    {
        string? found;
        try
        {
            found = await session.ScalarAsync("SELECT identity FROM store_identity WHERE id = 1") as string;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == raw.SQLITE_ERROR)
        {
            // No such table: a store not yet migrated to version 9 (or not a Switchback store at all).
            found = null;
        }

        var expected = Volatile.Read(ref identity);
        if (expected is null)
        {
            if (found is not null)
            {
                Interlocked.CompareExchange(ref identity, found, null);
            }

            return;
        }

        if (!string.Equals(found, expected, StringComparison.Ordinal))
        {
            throw Lose(null);
        }
    }

    private void ThrowIfLost()
    {
        if (Volatile.Read(ref lost) != 0)
        {
            throw Lost(null);
        }
    }

    /// <summary>Marks the store lost for good and returns the exception that says so.</summary>
    private StoreUnavailableException Lose(Exception? cause)
    {
        if (Interlocked.Exchange(ref lost, 1) == 0)
        {
            // The pooled connections hold the old file open (and its disk space); none of them may be used again.
            ClearPool();
        }

        return Lost(cause);
    }

    private StoreUnavailableException Lost(Exception? cause) => new(
        $"The store file at {FilePath} was deleted or replaced while the server ran: nothing more is read from or written to it. " +
        "Restore the file and restart the server.",
        cause);

    private void ClearPool()
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
