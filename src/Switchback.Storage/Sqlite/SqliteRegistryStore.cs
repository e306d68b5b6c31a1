using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Switchback.Storage.Migrations;
using Switchback.Storage.Sql;

namespace Switchback.Storage.Sqlite;

/// <summary>
/// The registry in one SQLite file (WAL). Every write transaction starts with <c>BEGIN IMMEDIATE</c>, which takes the file's
/// single writer lock up front, so writers from any number of connections or processes run one after another and
/// version numbers and the audit chain stay contiguous; a waiting writer retries for up to <see cref="BusyTimeoutMs"/>.
/// </summary>
internal sealed class SqliteRegistryStore : SqlRegistryStore
{
    /// <summary>How long a writer waits for another one to finish, in milliseconds.</summary>
    public const int BusyTimeoutMs = 30_000;

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private readonly string connectionString;

    public SqliteRegistryStore(string path, TimeProvider time)
        : base(time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = Path.GetFullPath(path);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FilePath { get; }

    protected override IReadOnlyList<Migration> Migrations => SqliteSchema.Migrations;

    protected override string CreateMigrationsTableSql => SqliteSchema.CreateMigrationsTable;

    protected override async Task<SqlSession> BeginCoreAsync(bool write, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            // deferred: false ⇒ BEGIN IMMEDIATE; a read uses a plain BEGIN so its snapshot starts at its first query.
            var transaction = connection.BeginTransaction(deferred: !write);
            return new SqlSession(connection, transaction, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override async Task PrepareForMigrationAsync(CancellationToken cancellationToken)
    {
        // WAL is a property of the file: set once, it stays for every later connection and process.
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    protected override object TimeValue(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal)
        => DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    protected override ValueTask DisposeCoreAsync()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMs.ToString(CultureInfo.InvariantCulture)}";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
