using Microsoft.Extensions.Options;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Fleet;

/// <summary>
/// How far a routing change has spread: waits until every live replica records that it applies the change's epoch (each does
/// within milliseconds of the notification), or <see cref="FleetOptions.PropagationWait"/> passes. A replica counts as live when
/// its state is live and its last heartbeat is within <see cref="FleetOptions.ReplicaTimeout"/> (by the replicas' clocks, which
/// are assumed synchronised to well under that; it only decides what this answer says). Thread-safe.
/// </summary>
internal sealed class FleetPropagation(IFleetStore store, TimeProvider time, IOptions<FleetOptions> options)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    /// <summary>Waits for <paramref name="epoch"/> to be applied by every live replica; the counts and how long it took since <paramref name="since"/> (a timestamp).</summary>
    public async Task<FleetApplied> WaitAsync(long epoch, long since, CancellationToken ct)
    {
        var signal = new WorkSignal();
        using var subscription = store.Notifications.Subscribe(StoreChannels.RoutingApplied, _ => signal.Set());
        while (true)
        {
            var (applied, live) = Count(await store.ListReplicasAsync(ct), epoch);
            var elapsed = time.GetElapsedTime(since);
            if (applied >= live || elapsed >= options.Value.PropagationWait)
            {
                return new FleetApplied(applied, live, elapsed.TotalMilliseconds, applied >= live);
            }

            // Woken by a replica's "applied" notification; the short poll covers a listener that is reconnecting.
            await signal.WaitAsync(store.Notifications.Listening ? TimeSpan.FromMilliseconds(50) : Poll, time, ct);
        }
    }

    /// <summary>How many live replicas apply the store's current routing now (no wait).</summary>
    public async Task<FleetApplied> CurrentAsync(CancellationToken ct)
    {
        var epoch = await store.GetRoutingEpochAsync(ct);
        var (applied, live) = Count(await store.ListReplicasAsync(ct), epoch);
        return new FleetApplied(applied, live, 0, applied >= live);
    }

    /// <summary>Waits for the store's current routing to be applied everywhere; the time counts from <paramref name="since"/> (a timestamp).</summary>
    public async Task<FleetApplied> WaitForCurrentAsync(long since, CancellationToken ct)
        => await WaitAsync(await store.GetRoutingEpochAsync(ct), since, ct);

    private (int Applied, int Live) Count(IReadOnlyList<ReplicaRecord> replicas, long epoch)
    {
        var now = time.GetUtcNow();
        int applied = 0, live = 0;
        foreach (var replica in replicas)
        {
            if (replica.State != ReplicaState.Live || now - replica.HeartbeatAt > options.Value.ReplicaTimeout)
            {
                continue;
            }

            live++;
            if (replica.RoutingEpoch >= epoch)
            {
                applied++;
            }
        }

        return (applied, live);
    }
}

/// <summary>How many live replicas applied a routing change, and how long it took to learn it.</summary>
/// <param name="Applied">Live replicas that route by the change.</param>
/// <param name="Live">Live replicas.</param>
/// <param name="Milliseconds">From the change to the last replica applying it (or to the end of the wait).</param>
/// <param name="Complete">Whether every live replica applied it within the wait.</param>
internal sealed record FleetApplied(int Applied, int Live, double Milliseconds, bool Complete)
{
    /// <summary>"applied on 3/3 replicas in 38 ms".</summary>
    public string Describe() => $"applied on {Applied}/{Live} replicas in {Milliseconds:0.#} ms" + (Complete ? string.Empty : " (the others had not confirmed when the wait ended)");
}
