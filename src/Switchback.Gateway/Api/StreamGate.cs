using Microsoft.Extensions.Options;
using Switchback.Gateway.Hosting;

namespace Switchback.Gateway.Api;

/// <summary>
/// Counts the streamed requests this process is forwarding, up to <see cref="GatewayOptions.MaxConcurrentStreams"/>. One
/// interlocked counter, so thread-safe and free of allocations. In memory, per replica: with three replicas the fleet
/// streams up to three times the limit, and when one dies its streams die with it and its count with them (nothing to
/// release elsewhere).
/// </summary>
internal sealed class StreamGate(IOptions<GatewayOptions> options)
{
    /// <summary>The <c>Retry-After</c> of a refused stream, in seconds: streams end within seconds to minutes, so soon is right.</summary>
    public const int RetryAfterSeconds = 1;

    private readonly int limit = options.Value.MaxConcurrentStreams;
    private int active;

    /// <summary>The limit.</summary>
    public int Limit => limit;

    /// <summary>Streams being forwarded now.</summary>
    public int Active => Volatile.Read(ref active);

    /// <summary>Takes a slot; false (taking nothing) when all are in use.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref active) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref active);
        return false;
    }

    /// <summary>Gives back a slot taken by <see cref="TryEnter"/>.</summary>
    public void Exit() => Interlocked.Decrement(ref active);
}
