using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Switchback.Core.Access;
using Switchback.Gateway.Hosting;
using Switchback.Storage;

namespace Switchback.Gateway.Access;

/// <summary>
/// Resolves a bearer key to its role, caching each answer (also "no such key") for
/// <see cref="GatewayOptions.KeyCacheDuration"/> so the hot path does not query the store per request. Only key hashes are
/// kept. Thread-safe. A revoked key may therefore keep working for up to that duration.
/// </summary>
internal sealed class KeyCache(IApiKeySource store, TimeProvider time, IOptions<GatewayOptions> options, SystemGateKey systemKey)
{
    private readonly ConcurrentDictionary<string, (Role? Role, DateTimeOffset Expires)> entries = new(StringComparer.Ordinal);

    public async ValueTask<Role?> FindRoleAsync(string key, CancellationToken cancellationToken)
    {
        if (systemKey.Matches(key))
        {
            return Role.Operator;
        }

        var hash = ApiKeys.Hash(key);
        var now = time.GetUtcNow();
        if (entries.TryGetValue(hash, out var entry) && entry.Expires > now)
        {
            return entry.Role;
        }

        var record = await store.FindActiveKeyAsync(hash, cancellationToken);
        var role = record?.Role;
        if (options.Value.KeyCacheDuration > TimeSpan.Zero)
        {
            if (entries.Count > 10_000)
            {
                // Bounded: random wrong keys must not grow memory without limit.
                entries.Clear();
            }

            entries[hash] = (role, now + options.Value.KeyCacheDuration);
        }

        return role;
    }
}
