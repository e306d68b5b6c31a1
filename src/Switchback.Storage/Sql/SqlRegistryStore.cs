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

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await PrepareForMigrationAsync(cancellationToken);
        foreach (var migration in Migrations)
        {
            // One transaction per migration, each under the writer lock: a second process waits, then sees it applied.
            await using var session = await BeginAsync(write: true, cancellationToken);
            await session.ExecuteAsync(CreateMigrationsTableSql);
            var applied = await session.ScalarAsync("SELECT count(*) FROM schema_migrations WHERE version = @v", ("@v", migration.Version));
            if (Convert.ToInt64(applied, CultureInfo.InvariantCulture) > 0)
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
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        if (IsDisposed)
        {
            return false;
        }

        try
        {
            await using var session = await BeginAsync(write: false, cancellationToken);
            var one = await session.ScalarAsync("SELECT 1");
            return Convert.ToInt32(one, CultureInfo.InvariantCulture) == 1;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
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

    /// <summary>Runs once before migrations, outside any transaction (SQLite switches to WAL here).</summary>
    protected virtual Task PrepareForMigrationAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The value to bind for a time column.</summary>
    protected abstract object TimeValue(DateTimeOffset time);

    /// <summary>Reads a time column as UTC.</summary>
    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    protected abstract ValueTask DisposeCoreAsync();

    private Task<SqlSession> BeginAsync(bool write, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return BeginCoreAsync(write, cancellationToken);
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
