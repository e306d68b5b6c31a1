using System.Data;
using System.Data.Common;
using System.Globalization;
using Npgsql;
using Switchback.Storage.Fleet;
using Switchback.Storage.Migrations;
using Switchback.Storage.Sql;

namespace Switchback.Storage.Postgres;

/// <summary>
/// The registry in PostgreSQL, shared by several replicas. Every write transaction first takes
/// <c>pg_advisory_xact_lock(WriterLockKey)</c>, so writers from every replica run one after another and version numbers and
/// the audit chain stay contiguous; the lock ends with the transaction, also when a replica dies. A writer waits for the lock
/// up to <see cref="WriterLockWait.Current"/> (<c>lock_timeout</c>).
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
        var settings = new NpgsqlConnectionStringBuilder(connectionString);

        // Npgsql connects to the database named after the user when none is given.
        Location = $"PostgreSQL database '{settings.Database ?? settings.Username}' on {settings.Host}:{settings.Port.ToString(CultureInfo.InvariantCulture)}";
    }

    public override string Location { get; }

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
            var session = new SqlSession(connection, transaction, Unavailable, cancellationToken);
            if (write)
            {
                // lock_timeout bounds the advisory lock wait too; SET LOCAL ends with the transaction. One round trip.
                var wait = ((long)WriterLockWait.Current.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
                await session.ExecuteAsync($"SET LOCAL lock_timeout = {wait}; SELECT pg_advisory_xact_lock(@k)", ("@k", WriterLockKey));
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
            return new SqlSession(connection, transaction, Unavailable, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override Task NotifyOthersAsync(SqlSession session, string channel, string payload)
        => session.ScalarAsync("SELECT pg_notify(@c, @p)", ("@c", channel), ("@p", payload));

    public override async Task ListenAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // A dedicated connection: LISTEN belongs to a session, and a pooled one would be handed to other work.
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, e) => Notifications.Raise(e.Channel, e.Payload);
                await using (var listen = connection.CreateCommand())
                {
                    listen.CommandText = $"LISTEN {StoreChannels.Routing}; LISTEN {StoreChannels.RoutingApplied}; LISTEN {StoreChannels.Control}";
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                Notifications.Listening = true;
                backoff = TimeSpan.FromMilliseconds(250);

                // Whatever was notified while no one listened is lost: subscribers reload everything once.
                Notifications.Raise(StoreNotifications.Resync, string.Empty);
                while (true)
                {
                    // The timeout only lets a dead connection (no error seen) be noticed: a keepalive query then fails.
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(15), cancellationToken))
                    {
                        await using var ping = connection.CreateCommand();
                        ping.CommandText = "SELECT 1";
                        await ping.ExecuteScalarAsync(cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException or InvalidOperationException)
            {
                Notifications.Listening = false;
                try
                {
                    await Task.Delay(backoff, Time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }

        Notifications.Listening = false;
    }

    protected override async Task CheckWritableAsync(SqlSession session)
    {
        // A hot standby (say, after a failover pointed the DNS name at it) answers reads and refuses every write.
        if (await session.ScalarAsync("SELECT current_setting('transaction_read_only')") is "on")
        {
            throw new StoreUnavailableException($"The PostgreSQL store ({Location}) is unavailable: the server accepts no writes (a standby, or default_transaction_read_only is on).");
        }
    }

    protected override StoreUnavailableException? Unavailable(DbException exception)
    {
        var reason = exception switch
        {
            PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } =>
                $"it is locked: another writer held the writer lock for more than {WriterLockWait.Current.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; retry later",
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => "the database does not exist",
            PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction } => "the server accepts no writes (read-only)",
            PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => "a statement timed out",
            PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal) => "the connection failed",
            PostgresException pg when pg.SqlState.StartsWith("28", StringComparison.Ordinal) => "the server refused the credentials",
            PostgresException pg when pg.SqlState.StartsWith("53", StringComparison.Ordinal) => "the server is out of resources (connections, disk or memory)",
            PostgresException pg when pg.SqlState.StartsWith("57P", StringComparison.Ordinal) => "the server is shutting down, restarting or not yet accepting connections",
            PostgresException => null,

            // Not a server error: the driver could not connect, read or write in time.
            NpgsqlException { InnerException: TimeoutException } => "the server did not answer in time",
            NpgsqlException => "the server cannot be reached",
            _ => null,
        };
        return reason is null ? null : new StoreUnavailableException($"The PostgreSQL store ({Location}) is unavailable: {reason}.", exception);
    }

    protected override object TimeValue(DateTimeOffset time) => time.ToUniversalTime();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal).ToUniversalTime();

    protected override ValueTask DisposeCoreAsync() => dataSource.DisposeAsync();
}
