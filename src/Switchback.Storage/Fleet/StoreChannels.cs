namespace Switchback.Storage.Fleet;

/// <summary>The notification channels replicas listen on (PostgreSQL <c>LISTEN</c>); payloads are short texts.</summary>
public static class StoreChannels
{
    /// <summary>A routing change was committed; the payload is the new routing epoch.</summary>
    public const string Routing = "switchback_routing";

    /// <summary>A replica applied a routing epoch; the payload is the replica's id.</summary>
    public const string RoutingApplied = "switchback_routing_applied";

    /// <summary>The leader has work: a rollout started or a command was queued; the payload is the deployment.</summary>
    public const string Control = "switchback_control";
}
