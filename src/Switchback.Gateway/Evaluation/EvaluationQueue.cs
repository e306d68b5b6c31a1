using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Evaluation;

/// <summary>
/// The bounded queue between the request path and the evaluation workers. <see cref="TryEnqueue"/> never waits: a full
/// queue drops the response and counts it (lifetime <see cref="Dropped"/> and the version's <c>evaluator_dropped</c>).
/// Thread-safe.
/// </summary>
internal sealed class EvaluationQueue
{
    private readonly Channel<EvaluationJob> channel;
    private readonly SignalRegistry signals;
    private long dropped;
    private long completed;
    private TaskCompletionSource progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EvaluationQueue(IOptions<EvaluationOptions> options, SignalRegistry signals)
    {
        channel = Channel.CreateBounded<EvaluationJob>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        this.signals = signals;
    }

    /// <summary>Responses dropped because the queue was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Jobs finished (evaluated, skipped or failed), since start.</summary>
    public long Completed => Interlocked.Read(ref completed);

    public ChannelReader<EvaluationJob> Reader => channel.Reader;

    public bool TryEnqueue(EvaluationJob job)
    {
        if (channel.Writer.TryWrite(job))
        {
            return true;
        }

        Interlocked.Increment(ref dropped);
        GatewayCounters.Add(signals.Get(job.Deployment, job.Version), EvaluationCounters.EvaluatorDropped);
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
