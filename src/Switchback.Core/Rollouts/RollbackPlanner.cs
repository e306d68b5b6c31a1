namespace Switchback.Core.Rollouts;

/// <summary>Decides whether going back to a version may skip every step (<c>rollback_window</c>).</summary>
public static class RollbackPlanner
{
    /// <summary>
    /// Whether <paramref name="targetVersion"/>, which last served users at <paramref name="lastServedAt"/>, is recent enough
    /// (within <paramref name="window"/> of <paramref name="now"/>) to be routed 100 % at once. A version that never served, or
    /// whose last-served time lies in the future (a clock problem), takes the full plan.
    /// </summary>
    public static bool IsFastPath(int targetVersion, DateTimeOffset? lastServedAt, TimeSpan window, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetVersion, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);
        return lastServedAt is { } served && served <= now && now - served <= window;
    }
}
