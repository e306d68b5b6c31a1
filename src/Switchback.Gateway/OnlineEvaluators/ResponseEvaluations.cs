using Microsoft.Extensions.Options;
using Switchback.Gateway.Bundles;
using Switchback.Gateway.Forwarding;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>
/// The forwarder's hook into evaluation. For a version whose bundle has no <c>evaluators:</c> section both calls are
/// one dictionary lookup and nothing else: no extra capture, no queueing. Thread-safe.
/// </summary>
internal sealed class ResponseEvaluations(BundleCache bundles, EvaluationQueue queue, IOptions<EvaluationOptions> options)
{
    /// <summary>The default capture of an attempt's body (what usage and shadow comparison need).</summary>
    public const int DefaultCaptureLimit = 64 * 1024;

    /// <summary>How many bytes of this attempt's response to keep: more only when its version evaluates responses.</summary>
    public int CaptureLimit(ForwardPlan plan)
        => bundles.TryGet(plan.Deployment, plan.Version, out var bundle) && bundle.Evaluator is not null
            ? Math.Max(DefaultCaptureLimit, options.Value.CaptureLimitBytes)
            : DefaultCaptureLimit;

    /// <summary>Called once an attempt's response has been observed: queues a successful, sampled answer for evaluation; never waits.</summary>
    public void Observed(ForwardPlan plan, ResponseObservation observation, RequestOutcome outcome)
    {
        if (outcome == RequestOutcome.Ok
            && observation.Status is >= 200 and < 300
            && bundles.TryGet(plan.Deployment, plan.Version, out var bundle)
            && bundle.Evaluator is { } evaluator
            && evaluator.ShouldEvaluate(plan.RequestId))
        {
            queue.TryEnqueue(new EvaluationJob(plan.Deployment, plan.Version, evaluator, plan.Body, observation, Units.UnitTicket.Served(plan.Unit, plan.Version)));
        }
    }
}
