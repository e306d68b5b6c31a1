using System.Text;
using Switchback.Gateway.Metrics;
using Switchback.Gateway.Routing;

namespace Switchback.Control.Fleet;

/// <summary>
/// This replica's place in the fleet on <c>/metrics</c> (every replica exposes its own; Prometheus scrapes them all):
/// leader or not, the routing epoch it applies, how far its shipped signals lag, what it dropped and how many reports failed.
/// Read from state the replica keeps; no store query at scrape time. Thread-safe.
/// </summary>
internal sealed class FleetMetrics(ReplicaIdentity identity, ILeadership leadership, RoutingSnapshotLoader routing, ReplicaReporter reporter) : IMetricsContributor
{
    public void WriteTo(StringBuilder text)
    {
        IReadOnlyList<(string, string)> labels = [("replica", identity.Id)];
        PrometheusExposition.Gauge(text, "switchback_replica_leader", "1 while this replica leads the fleet (runs the controller), else 0.", [(labels, leadership.IsLeader ? 1 : 0)]);
        PrometheusExposition.Gauge(text, "switchback_replica_routing_generation", "The store's routing epoch this replica's gateway applies.", [(labels, routing.AppliedEpoch)]);
        PrometheusExposition.Gauge(text, "switchback_replica_signal_lag_seconds", "How far the signals this replica has shipped to the store trail its clock.", [(labels, reporter.LagSeconds)]);
        PrometheusExposition.Gauge(text, "switchback_replica_signal_dropped_seconds", "Seconds of signals this replica dropped since it started (could not be shipped in time).", [(labels, reporter.DroppedSeconds)]);
        PrometheusExposition.Gauge(text, "switchback_replica_report_failures", "Heartbeats this replica could not write to the store since it started.", [(labels, reporter.Failures)]);
    }
}
