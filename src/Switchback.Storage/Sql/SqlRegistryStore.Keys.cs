using System.Data.Common;
using System.Globalization;
using Switchback.Core.Access;

namespace Switchback.Storage.Sql;

internal abstract partial class SqlRegistryStore
{
    private const string KeyColumns = "name, role, key_hash, created_at, created_by, revoked_at";

    public async Task<ApiKeyRecord?> CreateKeyAsync(string name, Role role, string keyHash, AuditContext who, CancellationToken cancellationToken = default)
    {
        ValidateName(name, "key", nameof(name));
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentException($"unknown role {role}: use viewer, operator or admin", nameof(role));
        }

        if (string.IsNullOrWhiteSpace(keyHash))
        {
            throw new ArgumentException("a key hash is required", nameof(keyHash));
        }

        ValidateWho(who);
        await using var session = await BeginWriteAsync(who, cancellationToken);
        if (await session.ScalarAsync("SELECT name FROM api_keys WHERE name = @n", ("@n", name)) is not null)
        {
            return null;
        }

        if (await session.ScalarAsync("SELECT name FROM api_keys WHERE key_hash = @h", ("@h", keyHash)) is not null)
        {
            throw new ArgumentException("another key already has this secret: generate a new one", nameof(keyHash));
        }

        var now = Now();
        await session.ExecuteAsync(
            $"INSERT INTO api_keys ({KeyColumns}) VALUES (@n, @r, @h, @t, @a, @x)",
            ("@n", name),
            ("@r", RoleNames.ToText(role)),
            ("@h", keyHash),
            ("@t", TimeValue(now)),
            ("@a", who.Actor),
            ("@x", null));
        await AppendAuditAsync(session, now, who, "key.create", "key:" + name, null, AuditJson.Key(name, role, revoked: false));
        await session.CommitAsync();
        return new ApiKeyRecord(name, role, keyHash, now, who.Actor, null);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        var keys = await session.QueryAsync($"SELECT {KeyColumns} FROM api_keys", ReadKey);
        return keys.OrderBy(k => k.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<bool> RevokeKeyAsync(string name, AuditContext who, CancellationToken cancellationToken = default)
    {
        ValidateName(name, "key", nameof(name));
        ValidateWho(who);
        await using var session = await BeginWriteAsync(who, cancellationToken);
        var key = await session.QueryFirstAsync($"SELECT {KeyColumns} FROM api_keys WHERE name = @n AND revoked_at IS NULL", ReadKey, ("@n", name));
        if (key is null)
        {
            return false;
        }

        var now = Now();
        await session.ExecuteAsync("UPDATE api_keys SET revoked_at = @t WHERE name = @n", ("@t", TimeValue(now)), ("@n", name));
        await AppendAuditAsync(
            session,
            now,
            who,
            "key.revoke",
            "key:" + name,
            AuditJson.Key(name, key.Role, revoked: false),
            AuditJson.Key(name, key.Role, revoked: true));
        await session.CommitAsync();
        return true;
    }

    public async Task<ApiKeyRecord?> FindActiveKeyAsync(string keyHash, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(keyHash))
        {
            return null;
        }

        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryFirstAsync($"SELECT {KeyColumns} FROM api_keys WHERE key_hash = @h AND revoked_at IS NULL", ReadKey, ("@h", keyHash));
    }

    public async Task<int> CountKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        return Convert.ToInt32(await session.ScalarAsync("SELECT count(*) FROM api_keys"), CultureInfo.InvariantCulture);
    }

    private ApiKeyRecord ReadKey(DbDataReader reader) => new(
        reader.GetString(0),
        RoleNames.Parse(reader.GetString(1)),
        reader.GetString(2),
        ReadTime(reader, 3),
        reader.GetString(4),
        ReadNullableTime(reader, 5));
}
