namespace Switchback.Gateway.Health;

/// <summary>
/// Closed → open after <see cref="HealthOptions.FailureThreshold"/> consecutive failures → half-open after the
/// cool-down (on the injected clock) → closed on a success, open again on a failure. Thread-safe: a lock guards changes;
/// the common case (closed, no failures, success) is two volatile reads.
/// </summary>
internal sealed class CircuitBreaker(HealthOptions options, TimeProvider time)
{
    private readonly Lock gate = new();
    private volatile BreakerState state = BreakerState.Closed;
    private volatile int failures;
    private DateTimeOffset openedAt;

    public int ConsecutiveFailures => failures;

    /// <summary>The state now; an open breaker whose cool-down ended reports (and becomes) half-open.</summary>
    public BreakerState State
    {
        get
        {
            if (state != BreakerState.Open)
            {
                return state;
            }

            lock (gate)
            {
                if (state == BreakerState.Open && time.GetUtcNow() >= openedAt + options.CoolDown)
                {
                    state = BreakerState.HalfOpen;
                }

                return state;
            }
        }
    }

    /// <summary>Whether a request may be sent now (not open).</summary>
    public bool AllowsRequests => State != BreakerState.Open;

    public void RecordSuccess()
    {
        if (state == BreakerState.Closed && failures == 0)
        {
            return;
        }

        lock (gate)
        {
            // A success that raced an opening (sent before the breaker opened) must not close it before the cool-down.
            if (state == BreakerState.Open && time.GetUtcNow() < openedAt + options.CoolDown)
            {
                return;
            }

            state = BreakerState.Closed;
            failures = 0;
        }
    }

    public void RecordFailure()
    {
        lock (gate)
        {
            failures++;
            if (state == BreakerState.HalfOpen || (state == BreakerState.Closed && failures >= options.FailureThreshold))
            {
                state = BreakerState.Open;
                openedAt = time.GetUtcNow();
            }
        }
    }
}
