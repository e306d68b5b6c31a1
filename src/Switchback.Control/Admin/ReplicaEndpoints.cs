using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Switchback.Control.Fleet;
using Switchback.Core.Access;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Admin;

/// <summary><c>GET /replicas</c>: the fleet as the store knows it (docs/fleet.md "see the fleet").</summary>
internal static class ReplicaEndpoints
{
    public static void Map(IEndpointRouteBuilder api) => api.MapGet("/replicas", ListAsync).RequireRole(Role.Viewer);

    /// <summary>The fleet's view shared by the endpoint and the Prometheus gauges.</summary>
    public static async Task<FleetView> ReadAsync(IFleetStore store, TimeProvider time, FleetOptions options, CancellationToken ct)
    {
        var replicas = await store.ListReplicasAsync(ct);
        var lease = await store.ReadLeaseAsync(ct);
        var epoch = await store.GetRoutingEpochAsync(ct);
        var now = time.GetUtcNow();
        var views = replicas.Select(r =>
        {
            var age = now - r.HeartbeatAt;
            var live = r.State == ReplicaState.Live && age <= options.ReplicaTimeout;
            return new ReplicaView(
                r.Id,
                r.Address,
                r.SoftwareVersion,
                lease is { IsReleased: false } && lease.Holder == r.Id && live ? "leader" : "follower",
                live ? "live" : r.State == ReplicaState.Live ? "silent" : r.State.ToString().ToLowerInvariant(),
                r.StartedAt,
                r.HeartbeatAt,
                Math.Max(0, Math.Round(age.TotalMilliseconds)),
                r.RoutingEpoch,
                r.RoutingAppliedAt,
                epoch - r.RoutingEpoch,
                Math.Max(0, now.ToUnixTimeSeconds() - r.SignalsThrough),
                r.LostAt,
                JsonNode.Parse(r.Stats) as JsonObject ?? []);
        }).ToList();
        return new FleetView(epoch, lease is { IsReleased: false } ? lease.Holder : null, lease?.Term ?? 0, views.Count(v => v.State == "live"), views);
    }

    private static async Task<IResult> ListAsync(IFleetStore store, TimeProvider time, IOptions<FleetOptions> options, CancellationToken ct)
        => Results.Json(await ReadAsync(store, time, options.Value, ct), AdminJson.Options);
}

/// <summary>The fleet: the store's routing epoch, the leader, and every replica.</summary>
internal sealed record FleetView(long RoutingGeneration, string? Leader, long Term, int Live, IReadOnlyList<ReplicaView> Replicas);

/// <summary>
/// One replica: <c>role</c> leader or follower; <c>state</c> live, silent (no heartbeat within the timeout, not yet marked),
/// lost or stopped; <c>applied_routing_generation</c> the routing epoch it routes by and <c>routing_behind</c> how many changes it
/// lacks; <c>signal_lag_seconds</c> how far its shipped signals trail the clock; <c>stats</c> its own counters (dropped seconds…).
/// </summary>
internal sealed record ReplicaView(
    string Id,
    string Address,
    string SoftwareVersion,
    string Role,
    string State,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeat,
    double HeartbeatAgeMs,
    long AppliedRoutingGeneration,
    DateTimeOffset? RoutingAppliedAt,
    long RoutingBehind,
    long SignalLagSeconds,
    DateTimeOffset? LostAt,
    JsonObject Stats);
