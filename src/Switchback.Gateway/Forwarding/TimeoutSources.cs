using System.Collections.Concurrent;

namespace Switchback.Gateway.Forwarding;

/// <summary>
/// Reusable cancellation sources for the bundle timeout, on the injected clock. A new source per request costs a
/// <see cref="CancellationTokenSource"/>, its timer and its registration list (about 300 bytes a request in the gateway
/// benchmark's allocation trace); a source is reused only when <see cref="CancellationTokenSource.TryReset"/> succeeds,
/// which it refuses for a source that was cancelled or whose timer ever fired or was queued to fire, so a reused source
/// can never be cancelled by an earlier request's timer. (Sources on a custom <see cref="TimeProvider"/>, as in tests,
/// always refuse and are simply disposed.) Thread-safe.
/// </summary>
internal sealed class TimeoutSources(TimeProvider time)
{
    private const int MaxPooled = 1024;
    private readonly ConcurrentQueue<CancellationTokenSource> pool = new();
    private int pooled;

    /// <summary>A source that cancels after <paramref name="timeout"/>; give it back with <see cref="Return"/>.</summary>
    public CancellationTokenSource Rent(TimeSpan timeout)
    {
        if (pool.TryDequeue(out var source))
        {
            Interlocked.Decrement(ref pooled);
            source.CancelAfter(timeout);
            return source;
        }

        return new CancellationTokenSource(timeout, time);
    }

    /// <summary>Takes a source back once nothing listens to its token any more (the forward has returned).</summary>
    public void Return(CancellationTokenSource source)
    {
        if (Volatile.Read(ref pooled) < MaxPooled && source.TryReset())
        {
            Interlocked.Increment(ref pooled);
            pool.Enqueue(source);
            return;
        }

        source.Dispose();
    }
}
