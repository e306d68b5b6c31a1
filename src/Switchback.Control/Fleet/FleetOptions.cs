namespace Switchback.Control.Fleet;

/// <summary>How replicas share the work (docs/fleet.md); every default lives here. Validate once at start-up with <see cref="Validate"/>.</summary>
public sealed class FleetOptions
{
    /// <summary>How long a leader's lease lasts without renewal before a follower may take it (measured on the follower's clock).</summary>
    /// <value>Default 3 s. A killed leader is replaced within about this plus <see cref="RetryInterval"/>.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the leader renews its lease.</summary>
    /// <value>Default 1 s; must be under a third of <see cref="LeaseDuration"/>.</value>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a follower looks at the lease.</summary>
    /// <value>Default 500 ms.</value>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Take the lease at once whoever held it: for a store only one server can open (SQLite, guarded by a file lock), where a
    /// holder other than this process is necessarily dead.
    /// </summary>
    public bool TakeOverAtOnce { get; set; }

    /// <summary>
    /// Whether replicas ship their signal windows and the controller decides on the fleet's merged data (several replicas);
    /// else the controller reads its own process's rings (one server). Set by <c>AddSwitchbackFleet</c>.
    /// </summary>
    public bool ShareSignals { get; set; }

    /// <summary>How often a replica reports its heartbeat and ships its signal windows.</summary>
    /// <value>Default 1 s.</value>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A replica whose heartbeat has not changed for this long (on the leader's clock) is marked lost and no longer waited for.</summary>
    /// <value>Default 5 s; must be over twice <see cref="ReportInterval"/>.</value>
    public TimeSpan ReplicaTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long shipped signal windows are kept in the store.</summary>
    /// <value>Default 1 h.</value>
    public TimeSpan SignalRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a stopped or lost replica stays listed.</summary>
    /// <value>Default 1 day.</value>
    public TimeSpan ForgetReplicasAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a follower waits for the leader to apply a rollout command or start before answering that it is queued.</summary>
    /// <value>Default 10 s.</value>
    public TimeSpan CommandWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a rollback or promotion waits for every live replica to apply the new routing before it answers.</summary>
    /// <value>Default 2 s.</value>
    public TimeSpan PropagationWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        Positive(LeaseDuration, nameof(LeaseDuration));
        Positive(RenewInterval, nameof(RenewInterval));
        Positive(RetryInterval, nameof(RetryInterval));
        Positive(ReportInterval, nameof(ReportInterval));
        Positive(ReplicaTimeout, nameof(ReplicaTimeout));
        Positive(SignalRetention, nameof(SignalRetention));
        Positive(ForgetReplicasAfter, nameof(ForgetReplicasAfter));
        Positive(CommandWait, nameof(CommandWait));
        Positive(PropagationWait, nameof(PropagationWait));
        if (RenewInterval * 3 > LeaseDuration)
        {
            throw new ArgumentException($"the lease must last at least three renewals: {LeaseDuration} is under 3 × {RenewInterval}");
        }

        if (ReplicaTimeout < ReportInterval * 2)
        {
            throw new ArgumentException($"the replica timeout {ReplicaTimeout} must be at least twice the report interval {ReportInterval}");
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"fleet setting {name} must be longer than zero, got {value}");
        }
    }
}
