namespace Switchback.Storage;

/// <summary>
/// How long a store call waits for the store-wide writer lock (SQLite's write lock, PostgreSQL's advisory lock) before it gives
/// up with <see cref="StoreUnavailableException"/>. The wait is ambient to the current async flow: the admin API sets
/// <see cref="Interactive"/> around each request, so a person or script at the other end hears "locked, retry" within seconds,
/// while background work (the rollout controller's automatic rollbacks, migrations at start-up, the admin key bootstrap) keeps
/// <see cref="Default"/>. An ambient value rather than a parameter, because the admin API reaches the store through services
/// (rollback, rollout commands) whose signatures should not carry one caller's patience.
/// </summary>
public static class WriterLockWait
{
    private static readonly AsyncLocal<TimeSpan?> Ambient = new();

    /// <summary>The wait of callers that set none.</summary>
    /// <value>30 seconds: a writer lock is held for milliseconds, so a wait this long means another process is stuck, and
    /// background work would rather wait it out than fail.</value>
    public static TimeSpan Default { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait of admin API requests.</summary>
    /// <value>5 seconds: far above any normal write, yet short enough that a caller gets 503 with <c>Retry-After</c>
    /// instead of a hung request.</value>
    public static TimeSpan Interactive { get; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait of the write-lock probe of <see cref="IRegistryStore.CheckReadinessAsync"/>.</summary>
    /// <value>1 second: readiness must answer quickly, and a lock held that long is not normal.</value>
    public static TimeSpan Probe { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait in force in the current async flow.</summary>
    public static TimeSpan Current => Ambient.Value ?? Default;

    /// <summary>Sets the wait for the current async flow (whole seconds, from 1) until the returned scope is disposed.</summary>
    public static IDisposable Use(TimeSpan wait)
    {
        if (wait < TimeSpan.FromSeconds(1) || wait.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            // SQLite's driver counts its retry budget in whole seconds; a finer wait would not be honoured.
            throw new ArgumentOutOfRangeException(nameof(wait), wait, "the writer lock wait must be whole seconds, from 1");
        }

        var previous = Ambient.Value;
        Ambient.Value = wait;
        return new Scope(previous);
    }

    private sealed class Scope(TimeSpan? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
