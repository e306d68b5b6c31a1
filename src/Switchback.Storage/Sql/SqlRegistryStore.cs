using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Switchback.Core.Audit;
using Switchback.Core.Bundles;
using Switchback.Storage.Migrations;

namespace Switchback.Storage.Sql;

/// <summary>
/// The registry logic shared by the SQLite and PostgreSQL stores: both speak the same SQL for every query, and differ only
/// in how they open connections, serialise writers, and store times. Thread-safe: each operation uses its own connection.
/// </summary>
internal abstract partial class SqlRegistryStore : IRegistryStore
{
    private int disposed;

    protected SqlRegistryStore(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Time = time;
    }

    protected TimeProvider Time { get; }

    /// <summary>The numbered schema changes of this dialect, ascending.</summary>
    protected abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>DDL that creates <c>schema_migrations</c> if it is missing.</summary>
    protected abstract string CreateMigrationsTableSql { get; }

    protected bool IsDisposed => Volatile.Read(ref disposed) != 0;

    /// <summary>How long <see cref="CheckReadinessAsync"/> may take before it answers "not ready".</summary>
    /// <value>3 seconds.</value>
    protected static TimeSpan ReadinessTimeout { get; } = TimeSpan.FromSeconds(3);

    public abstract string Location { get; }

    public async Task<MigrationOutcome> MigrateAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await PrepareForMigrationAsync(cancellationToken);
        await ThrowIfNewerSchemaAsync(cancellationToken);
        var applied = new List<int>();
        foreach (var migration in Migrations)
        {
            // One transaction per migration, each under the writer lock: a second process waits, then sees it applied.
            await using var session = await BeginAsync(write: true, cancellationToken);
            await session.ExecuteAsync(CreateMigrationsTableSql);
            var recorded = await session.ScalarAsync("SELECT count(*) FROM schema_migrations WHERE version = @v", ("@v", migration.Version));
            if (Convert.ToInt64(recorded, CultureInfo.InvariantCulture) > 0)
            {
                continue;
            }

            await session.ExecuteAsync(migration.Sql);
            await session.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)",
                ("@v", migration.Version),
                ("@n", migration.Name),
                ("@t", TimeValue(Now())));
            await session.CommitAsync();
            applied.Add(migration.Version);
        }

        await OnMigratedAsync(cancellationToken);

        // The first migration creates the registry's tables, so whoever applied it found no store there.
        return new MigrationOutcome(applied.Contains(Migrations[0].Version), applied.Count);
    }

    /// <summary>The schema version this build writes: the number of its last migration.</summary>
    public int CurrentSchemaVersion => Migrations[^1].Version;

    /// <summary>
    /// Refuses a store that a newer Switchback has migrated: this build would run on tables it does not know, and a later
    /// start of the newer build would find rows this one wrote the old way. Nothing is written when it refuses.
    /// </summary>
    private async Task ThrowIfNewerSchemaAsync(CancellationToken cancellationToken)
    {
        await using var session = await BeginAsync(write: true, cancellationToken);
        await session.ExecuteAsync(CreateMigrationsTableSql);
        var newest = await session.ScalarAsync("SELECT max(version) FROM schema_migrations");
        if (newest is not null && Convert.ToInt32(newest, CultureInfo.InvariantCulture) is var found && found > CurrentSchemaVersion)
        {
            throw new StoreUnavailableException(
                $"The store ({Location}) has schema version {found.ToString(CultureInfo.InvariantCulture)}, newer than this switchback knows " +
                $"({CurrentSchemaVersion.ToString(CultureInfo.InvariantCulture)}): a newer switchback migrated it. Run that version or a newer one, " +
                "or restore a backup taken before the upgrade (docs/operations.md).");
        }

        await session.CommitAsync();
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
        => (await CheckReadinessAsync(cancellationToken)).IsReady;

    public async Task<StoreReadiness> CheckReadinessAsync(CancellationToken cancellationToken = default)
    {
        if (IsDisposed)
        {
            return StoreReadiness.NotReady("The store is closed.");
        }

        // A connection attempt to an unreachable host can hang far longer than a readiness probe may take.
        using var timeout = new CancellationTokenSource(ReadinessTimeout, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using (WriterLockWait.Use(WriterLockWait.Probe))
            {
                // A write transaction that writes nothing: it proves the writer lock can be taken, then rolls back on dispose.
                await using var session = await BeginAsync(write: true, linked.Token);
                await session.ScalarAsync("SELECT 1");
                await CheckWritableAsync(session);
            }

            return StoreReadiness.Ready;
        }
        catch (StoreUnavailableException ex)
        {
            return StoreReadiness.NotReady(ex.Message);
        }
        catch (ObjectDisposedException)
        {
            return StoreReadiness.NotReady("The store is closed.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return StoreReadiness.NotReady($"The store did not answer within {ReadinessTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
        catch (DbException ex)
        {
            // Driver messages name the failure, never a password; anything worse is not worth a 200.
            return StoreReadiness.NotReady($"The store does not answer: {ex.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await DisposeCoreAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Opens a connection with a transaction: a write transaction holds the store-wide writer lock until it ends.</summary>
    protected abstract Task<SqlSession> BeginCoreAsync(bool write, CancellationToken cancellationToken);

    /// <summary>Runs once before migrations, outside any transaction (SQLite creates the file and switches to WAL here).</summary>
    protected virtual Task PrepareForMigrationAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once after migrations (SQLite learns the identity of the store it will guard here).</summary>
    protected virtual Task OnMigratedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Inside the readiness probe's write transaction: throws <see cref="StoreUnavailableException"/> when writes would be refused.</summary>
    protected virtual Task CheckWritableAsync(SqlSession session) => Task.CompletedTask;

    /// <summary>The <see cref="StoreUnavailableException"/> that a driver error means, or null when it means something else.</summary>
    protected abstract StoreUnavailableException? Unavailable(DbException exception);

    /// <summary>The value to bind for a time column.</summary>
    protected abstract object TimeValue(DateTimeOffset time);

    /// <summary>Reads a time column as UTC.</summary>
    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    protected abstract ValueTask DisposeCoreAsync();

    private async Task<SqlSession> BeginAsync(bool write, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        try
        {
            return await BeginCoreAsync(write, cancellationToken);
        }
        catch (DbException ex) when (Unavailable(ex) is { } unavailable)
        {
            throw unavailable;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    private DateTimeOffset Now() => AuditChain.Normalize(Time.GetUtcNow());

    private DateTimeOffset? ReadNullableTime(DbDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    private static string? ReadNullableString(DbDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static int? ToNullableInt(object? value)
        => value is null ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);

    private static void ValidateName(string? name, string what, string parameterName)
    {
        if (!DeploymentName.IsValid(name, out var error))
        {
            throw new ArgumentException($"invalid {what} name: {error}", parameterName);
        }
    }

    private static void ValidateWho(AuditContext who)
    {
        ArgumentNullException.ThrowIfNull(who);
        if (string.IsNullOrWhiteSpace(who.Actor))
        {
            throw new ArgumentException("an actor is required for the audit log", nameof(who));
        }
    }

    private static void ValidateBundle(BundleContent bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ValidateName(bundle.Deployment, "deployment", nameof(bundle));
        if (bundle.RequestedVersion is < 1)
        {
            throw new ArgumentException($"version {bundle.RequestedVersion} is not valid: versions are whole numbers from 1", nameof(bundle));
        }

        if (string.IsNullOrWhiteSpace(bundle.CanonicalJson))
        {
            throw new ArgumentException("the bundle has no content", nameof(bundle));
        }

        try
        {
            using var document = JsonDocument.Parse(bundle.CanonicalJson);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"the bundle content is not JSON: {ex.Message}", nameof(bundle), ex);
        }

        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bundle.CanonicalJson)));
        if (!string.Equals(digest, bundle.Digest, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the bundle digest '{bundle.Digest}' does not match its content (expected {digest})", nameof(bundle));
        }
    }
}
