namespace Switchback.Gateway.Hosting;

/// <summary>Settings of the data plane; validated at start-up.</summary>
public sealed class GatewayOptions
{
    /// <summary>The default of <see cref="MaxRequestBodyBytes"/>, also the default body limit of <c>switchback serve</c>: 10 MiB.</summary>
    public const long DefaultMaxRequestBodyBytes = 10 * 1024 * 1024;

    /// <summary>The largest request body accepted; larger ones get 413.</summary>
    /// <value>Default 10 MiB (<see cref="DefaultMaxRequestBodyBytes"/>); at least 1 KiB.</value>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// The largest upstream answer passed on: a non-streamed body (checked on its <c>Content-Length</c> before anything is
    /// sent, else while it is copied) and the total bytes of a stream. Over it ⇒ 502 <c>upstream_response_too_large</c> (an
    /// error event ends a stream that already started), counted as an upstream failure of the version.
    /// </summary>
    /// <value>Default 64 MiB (<see cref="DefaultMaxUpstreamResponseBytes"/>); at least 1 KiB.</value>
    public long MaxUpstreamResponseBytes { get; set; } = DefaultMaxUpstreamResponseBytes;

    /// <summary>The default of <see cref="MaxUpstreamResponseBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxUpstreamResponseBytes = 64 * 1024 * 1024;

    /// <summary>
    /// How many streamed requests (<c>"stream": true</c>) this process forwards at once; one more is answered 429
    /// <c>too_many_concurrent_streams</c> with <c>Retry-After</c>, before anything is sent upstream.
    /// </summary>
    /// <value>Default 1,000 (<see cref="DefaultMaxConcurrentStreams"/>); 1..1,000,000.</value>
    public int MaxConcurrentStreams { get; set; } = DefaultMaxConcurrentStreams;

    /// <summary>The default of <see cref="MaxConcurrentStreams"/>: 1,000.</summary>
    public const int DefaultMaxConcurrentStreams = 1_000;

    /// <summary>
    /// A PEM file of CA certificates that HTTPS upstreams' certificates may chain to, besides the system's trust store (a
    /// private CA in front of vLLM, TGI…).
    /// </summary>
    /// <value>Default null: the system's trust store only.</value>
    public string? UpstreamCaFile { get; set; }

    /// <summary>How often the routing snapshot is reloaded from the store to pick up changes made by other processes.</summary>
    /// <value>Default 1 s; more than zero.</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an API key lookup (for pinning) is cached.</summary>
    /// <value>Default 5 s; zero disables the cache.</value>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The upstream timeout for a bundle that sets no <c>serving.timeout_ms</c>.</summary>
    /// <value>Default 100 s; more than zero.</value>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// The most steps (statements run, loop iterations) one render of a <c>prompt.system</c> template may take; also the
    /// longest range or array a template may build. Fluid's <c>MaxSteps</c>.
    /// </summary>
    /// <value>Default 100,000 (a few milliseconds of rendering); 1..100,000,000.</value>
    public int TemplateMaxSteps { get; set; } = 100_000;

    /// <summary>How deep loops may nest in a <c>prompt.system</c> template. Fluid's <c>MaxRecursion</c>.</summary>
    /// <value>Default 32; 1..1,000.</value>
    public int TemplateMaxRecursion { get; set; } = 32;

    /// <summary>
    /// The largest rendered <c>prompt.system</c>, in UTF-8 bytes; no string a filter or capture builds may be longer (in
    /// characters), and no string input of a filter either.
    /// </summary>
    /// <value>Default 1 MiB; at least 1 KiB; the smaller of this and <see cref="MaxRequestBodyBytes"/> applies.</value>
    public int TemplateMaxOutputBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many Responses API response and conversation ids this process remembers in memory with the version that owns them,
    /// so that <c>GET</c>/<c>DELETE /v1/responses/{id}</c>, <c>/cancel</c> and follow-ups reach that version; least recently
    /// used first out (an id evicted here is still found in the store).
    /// </summary>
    /// <value>Default 100,000 (about 15 MB); 1..10,000,000.</value>
    public int ResponseAffinityCapacity { get; set; } = 100_000;

    /// <summary>How many response and conversation owners the store keeps for all replicas; the oldest recorded are pruned first.</summary>
    /// <value>Default 1,000,000; 1..100,000,000.</value>
    public int ResponseAffinityStoreCapacity { get; set; } = 1_000_000;

    /// <summary>How long the store keeps an owner after it was recorded (OpenAI keeps a stored response 30 days).</summary>
    /// <value>Default 30 days; at least 1 minute.</value>
    public TimeSpan ResponseAffinityRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The longest a request waits for the store to look up an owner this process does not hold; past it (or when the store
    /// failed in the last <see cref="ResponseAffinityStoreBackoff"/>) the id is treated as unknown.
    /// </summary>
    /// <value>Default 250 ms; 1 ms..10 s.</value>
    public TimeSpan ResponseAffinityLookupTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After a failed store lookup or write, how long lookups skip the store (so a store outage costs requests nothing).</summary>
    /// <value>Default 5 s; 0..10 min.</value>
    public TimeSpan ResponseAffinityStoreBackoff { get; set; } = TimeSpan.FromSeconds(5);

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

        if (TemplateMaxSteps is < 1 or > 100_000_000)
        {
            throw new ArgumentException($"the template step limit must be 1..100000000, got {TemplateMaxSteps}");
        }

        if (TemplateMaxRecursion is < 1 or > 1_000)
        {
            throw new ArgumentException($"the template nesting limit must be 1..1000, got {TemplateMaxRecursion}");
        }

        if (ResponseAffinityCapacity is < 1 or > 10_000_000)
        {
            throw new ArgumentException($"the response affinity capacity must be 1..10000000, got {ResponseAffinityCapacity}");
        }

        if (ResponseAffinityStoreCapacity is < 1 or > 100_000_000)
        {
            throw new ArgumentException($"the response affinity store capacity must be 1..100000000, got {ResponseAffinityStoreCapacity}");
        }

        if (ResponseAffinityRetention < TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"the response affinity retention must be at least 1 minute, got {ResponseAffinityRetention}");
        }

        if (ResponseAffinityLookupTimeout < TimeSpan.FromMilliseconds(1) || ResponseAffinityLookupTimeout > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException($"the response affinity lookup timeout must be 1 ms..10 s, got {ResponseAffinityLookupTimeout}");
        }

        if (ResponseAffinityStoreBackoff < TimeSpan.Zero || ResponseAffinityStoreBackoff > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException($"the response affinity store backoff must be 0..10 min, got {ResponseAffinityStoreBackoff}");
        }

        if (MaxUpstreamResponseBytes < 1024)
        {
            throw new ArgumentException($"the upstream response limit must be at least 1024 bytes, got {MaxUpstreamResponseBytes}");
        }

        if (MaxConcurrentStreams is < 1 or > 1_000_000)
        {
            throw new ArgumentException($"the concurrent stream limit must be 1..1000000, got {MaxConcurrentStreams}");
        }

        if (UpstreamCaFile is { } caFile && Forwarding.UpstreamTrust.TryLoad(caFile, out var caProblem) is null)
        {
            throw new ArgumentException(caProblem);
        }

        if (TemplateMaxOutputBytes < 1024)
        {
            throw new ArgumentException($"the template output limit must be at least 1024 bytes, got {TemplateMaxOutputBytes}");
        }
    }
}
