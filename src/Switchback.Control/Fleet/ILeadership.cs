using Switchback.Storage.Fleet;

namespace Switchback.Control.Fleet;

/// <summary>
/// Whether this process may run the control loop (rollout controller, gates, alerts, fleet housekeeping), and the fence its
/// writes carry. Thread-safe.
/// </summary>
internal interface ILeadership
{
    /// <summary>Whether this process leads now (its lease has not run out on its own clock).</summary>
    bool IsLeader { get; }

    /// <summary>The fencing token for the controller's writes while leading; null when not leading or when nothing is fenced.</summary>
    LeaderFence? Fence { get; }

    /// <summary>Counts up each time this process becomes leader (so the controller knows to resume from the store).</summary>
    long Elections { get; }

    /// <summary>The store refused a fenced write: another replica leads now. Steps down at once.</summary>
    void Lost(FencedException exception);

    /// <summary>Completes when something asks the leader to act (a rollout started or a command queued), or after <paramref name="timeout"/>.</summary>
    Task WaitForWorkAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken);

    /// <summary>Wakes <see cref="WaitForWorkAsync"/> (a notification arrived, or this process queued work itself).</summary>
    void Poke();
}
