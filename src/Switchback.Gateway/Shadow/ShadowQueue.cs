using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Shadow;

/// <summary>
/// The bounded queue between the request path and the shadow workers. <see cref="TryEnqueue"/> never waits: a full queue
/// drops the copy and counts it (lifetime <see cref="Dropped"/> and the shadow version's <c>shadow_dropped</c>). Thread-safe.
/// </summary>
internal sealed class ShadowQueue
{
    private readonly Channel<ShadowJob> channel;
    private readonly SignalRegistry signals;
    private long dropped;
    private long completed;
    private TaskCompletionSource progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ShadowQueue(IOptions<ShadowOptions> options, SignalRegistry signals)
    {
        channel = Channel.CreateBounded<ShadowJob>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        this.signals = signals;
    }

    /// <summary>Copies dropped because the queue was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Mirrored requests finished (answered, failed or timed out), since start.</summary>
    public long Completed => Interlocked.Read(ref completed);

    public ChannelReader<ShadowJob> Reader => channel.Reader;

    public bool TryEnqueue(ShadowJob job)
    {
        if (channel.Writer.TryWrite(job))
        {
            return true;
        }

        Interlocked.Increment(ref dropped);
        GatewayCounters.Add(signals.Get(job.Shadow.Deployment, job.Shadow.Version), GatewayCounters.ShadowDropped);
        return false;
    }

    /// <summary>Called by a worker after each job.</summary>
    public void MarkCompleted()
    {
        Interlocked.Increment(ref completed);
        Interlocked.Exchange(ref progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits until at least <paramref name="count"/> jobs have completed (lets tests wait for the workers, not the clock).</summary>
    public async Task WaitForCompletedAsync(long count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = Volatile.Read(ref progress).Task;
            if (Completed >= count)
            {
                return;
            }

            await next.WaitAsync(cancellationToken);
        }
    }
}
