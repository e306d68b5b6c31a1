namespace Switchback.Gateway.Routing;

/// <summary>
/// Records when the gateway first routes a request to a version after a routing change (a rollback's swap). While nothing
/// is watched a request costs one volatile read. Thread-safe: the watch list is an immutable array swapped atomically.
/// </summary>
public sealed class FirstServedProbe(TimeProvider time)
{
    private volatile FirstServedWatch[] _watches = [];

    /// <summary>
    /// Watches for the first request of <paramref name="deployment"/> routed to <paramref name="version"/> by routing of
    /// <paramref name="generation"/> or later; elapsed times count from <paramref name="startTimestamp"/> (a
    /// <see cref="TimeProvider.GetTimestamp"/> value). Replaces an unfinished watch of the same deployment.
    /// </summary>
    public FirstServedWatch Arm(string deployment, int version, long generation, long startTimestamp)
    {
        var watch = new FirstServedWatch(deployment, version, generation, startTimestamp, time);
        while (true)
        {
            var current = _watches;
            FirstServedWatch[] next = [.. current.Where(w => w.Deployment != deployment), watch];
            if (ReferenceEquals(Interlocked.CompareExchange(ref _watches, next, current), current))
            {
                return watch;
            }
        }
    }

    /// <summary>Called per routed request: completes a matching watch and stops watching it.</summary>
    public void Observe(string deployment, long generation, int version)
    {
        var watches = _watches;
        if (watches.Length == 0)
        {
            return;
        }

        foreach (var watch in watches)
        {
            if (watch.Version == version && generation >= watch.Generation && watch.Deployment == deployment
                && watch.TryComplete(time.GetTimestamp()))
            {
                Remove(watch);
            }
        }
    }

    private void Remove(FirstServedWatch watch)
    {
        while (true)
        {
            var current = _watches;
            FirstServedWatch[] next = [.. current.Where(w => !ReferenceEquals(w, watch))];
            if (ReferenceEquals(Interlocked.CompareExchange(ref _watches, next, current), current))
            {
                return;
            }
        }
    }
}
