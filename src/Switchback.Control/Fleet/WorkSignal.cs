namespace Switchback.Control.Fleet;

/// <summary>An auto-reset signal with a timeout on the injected clock: one waiter wakes per set, or when time is up. Thread-safe.</summary>
internal sealed class WorkSignal
{
    private TaskCompletionSource pending = NewSource();

    /// <summary>Wakes the current (or next) waiter.</summary>
    public void Set() => Volatile.Read(ref pending).TrySetResult();

    /// <summary>Completes when <see cref="Set"/> is called or <paramref name="timeout"/> passes; then the signal is reset.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var source = Volatile.Read(ref pending);
        try
        {
            await source.Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Time is up: the caller does its periodic work anyway.
        }

        if (source.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref pending, NewSource(), source);
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
