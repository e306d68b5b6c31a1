using System.Text;
using Switchback.Gateway.Metrics;

namespace Switchback.Gateway.Responses;

/// <summary>
/// The shared response-owner map on <c>/metrics</c>: owners dropped from a full write queue (still known to this process, not
/// to the other replicas), store failures, and lookups that ran out of their time. Read from counters; no store query.
/// </summary>
internal sealed class ResponseAffinityMetrics(SharedResponseAffinity affinity) : IMetricsContributor
{
    public void WriteTo(StringBuilder text) => PrometheusExposition.Gauge(
        text,
        "switchback_response_owners",
        "The shared response-owner map since start: owners dropped from the full write queue (known to this replica only), failed store reads or writes, lookups that ran out of their time (each a miss).",
        [
            ([("counter", "dropped")], affinity.Dropped),
            ([("counter", "store_failures")], affinity.Failures),
            ([("counter", "slow_lookups")], affinity.SlowLookups),
        ]);
}
