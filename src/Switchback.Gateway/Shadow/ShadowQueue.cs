using Microsoft.Extensions.Options;
using Switchback.Gateway.Background;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Shadow;

/// <summary>
/// The bounded queue between the request path and the shadow workers: a full queue drops the copy and counts it
/// (lifetime <c>Dropped</c> and the shadow version's <c>shadow_dropped</c>). Thread-safe.
/// </summary>
internal sealed class ShadowQueue(IOptions<ShadowOptions> options, SignalRegistry signals)
    : DroppingWorkQueue<ShadowJob>(options.Value.QueueCapacity)
{
    protected override void OnDropped(ShadowJob job)
        => GatewayCounters.Add(signals.Get(job.Shadow.Deployment, job.Shadow.Version), GatewayCounters.ShadowDropped);
}
