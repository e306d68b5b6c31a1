using Switchback.Core.OnlineEvaluators;
using Switchback.Gateway.Forwarding;

namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>
/// One served response waiting for evaluation: the version's evaluator, the request body that was sent upstream (for
/// its <c>response_format</c>), and the finished attempt's observation, whose capture buffer holds the response.
/// Nothing writes to the observation once the attempt is over, so the worker reads it without a copy.
/// </summary>
internal sealed record EvaluationJob(string Deployment, int Version, ResponseEvaluator Evaluator, byte[] RequestBody, ResponseObservation Observation);
