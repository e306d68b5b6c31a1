namespace Switchback.Gateway.Routing;

/// <summary>One watch of <see cref="FirstServedProbe"/>: completes once, with the time from its start to the first request. Thread-safe.</summary>
public sealed class FirstServedWatch
{
    private readonly TimeProvider time;
    private readonly TaskCompletionSource<double> completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long firstTimestamp;

    internal FirstServedWatch(string deployment, int version, long generation, long startTimestamp, TimeProvider time)
    {
        Deployment = deployment;
        Version = version;
        Generation = generation;
        StartTimestamp = startTimestamp;
        this.time = time;
    }

    /// <summary>The deployment watched.</summary>
    public string Deployment { get; }

    /// <summary>The version whose first request is awaited.</summary>
    public int Version { get; }

    /// <summary>The routing generation from which a request counts.</summary>
    public long Generation { get; }

    /// <summary>Where elapsed time starts (a <see cref="TimeProvider.GetTimestamp"/> value).</summary>
    public long StartTimestamp { get; }

    /// <summary>Milliseconds from the start to the first request; null while none came.</summary>
    public double? ElapsedMs => completed.Task.IsCompleted ? completed.Task.Result : null;

    /// <summary>Completes with <see cref="ElapsedMs"/> when the first request comes.</summary>
    public Task<double> Completed => completed.Task;

    internal bool TryComplete(long timestamp)
    {
        if (Interlocked.CompareExchange(ref firstTimestamp, timestamp, 0) != 0)
        {
            return false;
        }

        completed.TrySetResult(time.GetElapsedTime(StartTimestamp, timestamp).TotalMilliseconds);
        return true;
    }
}
