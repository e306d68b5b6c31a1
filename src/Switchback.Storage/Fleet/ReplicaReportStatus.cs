namespace Switchback.Storage.Fleet;

/// <summary>What <c>IFleetStore.ReportReplicaAsync</c> did.</summary>
public enum ReplicaReportStatus
{
    /// <summary>The heartbeat and its windows were stored.</summary>
    Stored,

    /// <summary>
    /// Nothing was stored: the leader marked this replica lost. The seconds it has not shipped may already have been judged
    /// without it; the replica drops them (counting what it drops) and reports again with <c>rejoin</c>.
    /// </summary>
    Lost,
}
