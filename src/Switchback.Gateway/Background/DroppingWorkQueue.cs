using System.Threading.Channels;

namespace Switchback.Gateway.Background;

/// <summary>
/// A bounded queue between the request path and background workers (shadow copies, response evaluation).
/// <see cref="TryEnqueue"/> never waits: a full queue drops the job, counts it in <see cref="Dropped"/> and tells the
/// subclass through <see cref="OnDropped"/> so it can count it on the job's version too. Thread-safe.
/// </summary>
/// <typeparam name="TJob">The work item.</typeparam>
internal abstract class DroppingWorkQueue<TJob>
{
    private readonly Channel<TJob> channel;
    private long dropped;
    private long completed;
    private TaskCompletionSource progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected DroppingWorkQueue(int capacity)
        => channel = Channel.CreateBounded<TJob>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });

    /// <summary>Jobs dropped because the queue was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Jobs the workers finished (whatever their outcome), since start.</summary>
    public long Completed => Interlocked.Read(ref completed);

    public ChannelReader<TJob> Reader => channel.Reader;

    public bool TryEnqueue(TJob job)
    {
        if (channel.Writer.TryWrite(job))
        {
            return true;
        }

        Interlocked.Increment(ref dropped);
        OnDropped(job);
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

    /// <summary>Counts a dropped job where its owner looks for it (a per-version counter).</summary>
    protected abstract void OnDropped(TJob job);
}
