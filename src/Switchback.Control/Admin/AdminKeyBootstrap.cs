using Switchback.Core.Access;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Creates the first admin key on a store that has none (PRODUCT.md §4).</summary>
public static class AdminKeyBootstrap
{
    /// <summary>The name of the bootstrap key.</summary>
    public const string KeyName = "admin";

    /// <summary>The shortest key accepted from <c>SWITCHBACK_ADMIN_KEY</c>.</summary>
    public const int MinimumKeyLength = 16;

    /// <summary>
    /// On a store with no keys, stores <paramref name="configuredKey"/> (hashed) as the admin key, or generates one and writes it
    /// once to <paramref name="output"/>. Does nothing when keys exist.
    /// </summary>
    public static async Task EnsureAsync(IRegistryStore store, string? configuredKey, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        if (await store.CountKeysAsync(cancellationToken) > 0)
        {
            return;
        }

        var key = string.IsNullOrEmpty(configuredKey) ? ApiKeys.Generate() : configuredKey;
        var created = await store.CreateKeyAsync(KeyName, Role.Admin, ApiKeys.Hash(key), new AuditContext("bootstrap", "first start on an empty store"), cancellationToken);
        if (created is null)
        {
            // Another server on the same store bootstrapped first; its key stands.
            return;
        }

        await output.WriteLineAsync(string.IsNullOrEmpty(configuredKey)
            ? $"Created admin API key (shown once): {key}"
            : $"Created admin API key '{KeyName}' from SWITCHBACK_ADMIN_KEY");
        await output.FlushAsync(cancellationToken);
    }
}
