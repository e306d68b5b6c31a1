using System.Collections.Concurrent;
using Switchback.Core.Bundles;
using Switchback.Storage;

namespace Switchback.Gateway.Bundles;

/// <summary>
/// Parsed bundles by (deployment, version), kept forever because a version's content never changes. Archived versions
/// are not served by pin. Thread-safe; a miss reads the store once per concurrent caller at worst.
/// </summary>
internal sealed class BundleCache(IRoutingSource store, BundleReader reader)
{
    private readonly ConcurrentDictionary<(string, int), ServingBundle> bundles = new();

    /// <summary>The bundle if already loaded.</summary>
    public bool TryGet(string deployment, int version, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out ServingBundle bundle)
        => bundles.TryGetValue((deployment, version), out bundle);

    /// <summary>The bundle, from the cache or the store; null when it does not exist (or is archived and <paramref name="allowArchived"/> is false).</summary>
    public async ValueTask<ServingBundle?> GetAsync(string deployment, int version, bool allowArchived, CancellationToken cancellationToken)
    {
        if (bundles.TryGetValue((deployment, version), out var cached))
        {
            return cached;
        }

        var stored = await store.GetBundleAsync(new VersionRef(deployment, version), cancellationToken);
        if (stored is null || (stored.Archived && !allowArchived))
        {
            return null;
        }

        return bundles.GetOrAdd((deployment, version), _ => reader.Read(stored));
    }
}
