using System.Data;
using System.Data.Common;
using Npgsql;
using Switchback.Storage.Migrations;
using Switchback.Storage.Sql;

namespace Switchback.Storage.Postgres;

/// <summary>
/// The registry in PostgreSQL, shared by several replicas. Every write transaction first takes
/// <c>pg_advisory_xact_lock(WriterLockKey)</c>, so writers from every replica run one after another and version numbers and
/// the audit chain stay contiguous; the lock ends with the transaction, also when a replica dies.
/// </summary>
internal sealed class PostgresRegistryStore : SqlRegistryStore
{
    /// <summary>The advisory lock key of registry writers ("SWBKREG" in ASCII); advisory locks are per database.</summary>
    public const long WriterLockKey = 0x0053_5742_4B52_4547;

    private readonly NpgsqlDataSource dataSource;

    public PostgresRegistryStore(string connectionString, TimeProvider time)
        : base(time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        dataSource = NpgsqlDataSource.Create(connectionString);
    }

    protected override IReadOnlyList<Migration> Migrations => PostgresSchema.Migrations;

    protected override string CreateMigrationsTableSql => PostgresSchema.CreateMigrationsTable;

    protected override async Task<SqlSession> BeginCoreAsync(bool write, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            // Writers use READ COMMITTED: each statement after the lock sees what the previous lock holder committed.
            // (REPEATABLE READ would freeze the snapshot at the lock call, before the wait.) Readers get one snapshot.
            var isolation = write ? IsolationLevel.ReadCommitted : IsolationLevel.RepeatableRead;
            var transaction = await connection.BeginTransactionAsync(isolation, cancellationToken);
            var session = new SqlSession(connection, transaction, cancellationToken);
            if (write)
            {
                await session.ScalarAsync("SELECT pg_advisory_xact_lock(@k)", ("@k", WriterLockKey));
            }

            return session;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override string LockLeaseRowSuffix => " FOR SHARE";

    protected override async Task<SqlSession> BeginFleetWriteCoreAsync(CancellationToken cancellationToken)
    {
        // Heartbeats, signal windows and the lease are not registry changes: they never wait for the registry's writer lock.
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            return new SqlSession(connection, transaction, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override Task NotifyAsync(SqlSession session, string channel, string payload)
        => session.ScalarAsync("SELECT pg_notify(@c, @p)", ("@c", channel), ("@p", payload));

    /// <summary>The connection string (for a listener's dedicated connection); never logged, it may hold a password.</summary>
    internal string ConnectionString => dataSource.ConnectionString;

    protected override object TimeValue(DateTimeOffset time) => time.ToUniversalTime();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal).ToUniversalTime();

    protected override ValueTask DisposeCoreAsync() => dataSource.DisposeAsync();
}
