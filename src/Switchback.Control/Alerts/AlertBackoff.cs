namespace Switchback.Control.Alerts;

/// <summary>Exponential backoff with jitter between delivery attempts.</summary>
internal static class AlertBackoff
{
    /// <summary>
    /// The wait after failed attempt <paramref name="attempt"/> (1-based): <c>InitialBackoff · 2^(attempt−1)</c>, capped at
    /// <c>MaxBackoff</c>, then scaled by a random factor in [0.5, 1) so that receivers failing together do not retry in step.
    /// A receiver's <c>Retry-After</c> is honoured up to <c>MaxBackoff</c>.
    /// </summary>
    public static TimeSpan Delay(int attempt, AlertOptions options, double unitRandom, TimeSpan? retryAfter = null)
    {
        var exponent = Math.Min(attempt - 1, 30);
        var ticks = Math.Min(options.InitialBackoff.Ticks * Math.Pow(2, exponent), options.MaxBackoff.Ticks);
        // Whole milliseconds: timers, the fake clock's included, count in milliseconds, so the record's NextAttemptAt is exact.
        var delay = TimeSpan.FromMilliseconds(Math.Round(ticks * (0.5 + (unitRandom / 2)) / TimeSpan.TicksPerMillisecond));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < options.MaxBackoff ? asked : options.MaxBackoff;
        }

        return delay;
    }
}
