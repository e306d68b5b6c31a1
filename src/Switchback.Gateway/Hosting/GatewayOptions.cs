namespace Switchback.Gateway.Hosting;

/// <summary>Settings of the data plane; validated at start-up.</summary>
public sealed class GatewayOptions
{
    /// <summary>The default of <see cref="MaxRequestBodyBytes"/>, also the default body limit of <c>switchback serve</c>: 10 MiB.</summary>
    public const long DefaultMaxRequestBodyBytes = 10 * 1024 * 1024;

    /// <summary>The largest request body accepted; larger ones get 413.</summary>
    /// <value>Default 10 MiB (<see cref="DefaultMaxRequestBodyBytes"/>); at least 1 KiB.</value>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>How often the routing snapshot is reloaded from the store to pick up changes made by other processes.</summary>
    /// <value>Default 1 s; more than zero.</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an API key lookup (for pinning) is cached.</summary>
    /// <value>Default 5 s; zero disables the cache.</value>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The upstream timeout for a bundle that sets no <c>serving.timeout_ms</c>.</summary>
    /// <value>Default 100 s; more than zero.</value>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (MaxRequestBodyBytes < 1024)
        {
            throw new ArgumentException($"the gateway's maximum request body must be at least 1024 bytes, got {MaxRequestBodyBytes}");
        }

        if (RefreshInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"the routing refresh interval must be more than zero, got {RefreshInterval}");
        }

        if (KeyCacheDuration < TimeSpan.Zero)
        {
            throw new ArgumentException($"the key cache duration must not be negative, got {KeyCacheDuration}");
        }

        if (DefaultTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"the default upstream timeout must be more than zero, got {DefaultTimeout}");
        }
    }
}
