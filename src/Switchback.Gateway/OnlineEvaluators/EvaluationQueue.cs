using Microsoft.Extensions.Options;
using Switchback.Gateway.Background;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>
/// The bounded queue between the request path and the evaluation workers: a full queue drops the response and counts it
/// (lifetime <c>Dropped</c> and the version's <c>evaluator_dropped</c>). Thread-safe.
/// </summary>
internal sealed class EvaluationQueue(IOptions<EvaluationOptions> options, SignalRegistry signals)
    : DroppingWorkQueue<EvaluationJob>(options.Value.QueueCapacity)
{
    protected override void OnDropped(EvaluationJob job)
        => GatewayCounters.Add(signals.Get(job.Deployment, job.Version), EvaluationCounters.EvaluatorDropped);
}
