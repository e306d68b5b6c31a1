namespace Switchback.Storage;

/// <summary>What the gateway reads to check a key (pinning, data-plane keys): the active key with a given hash. Thread-safe.</summary>
public interface IApiKeySource
{
    /// <summary>The active key with that hash, or null.</summary>
    Task<ApiKeyRecord?> FindActiveKeyAsync(string keyHash, CancellationToken cancellationToken = default);
}
