namespace Switchback.Storage.Fleet;

/// <summary>Where a replica stands in the fleet, as stored.</summary>
public enum ReplicaState
{
    /// <summary>Reporting: its signal watermark holds back the fleet's judged data.</summary>
    Live,

    /// <summary>Stopped reporting and was marked lost by the leader: no longer waited for; data it ships for judged seconds is dropped and counted.</summary>
    Lost,

    /// <summary>Shut down gracefully after its last report.</summary>
    Stopped,
}
