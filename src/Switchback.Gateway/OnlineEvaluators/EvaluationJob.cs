using Switchback.Core.OnlineEvaluators;
using Switchback.Gateway.Forwarding;
using Switchback.Gateway.Units;

namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>
/// One served response waiting for evaluation: the version's evaluator, the request body that was sent upstream (for
/// its <c>response_format</c>), and the finished attempt's observation, whose capture buffer holds the response.
/// Nothing writes to the observation once the attempt is over, so the worker reads it without a copy. <see cref="Unit"/> is
/// the request's unit ticket during a canary (null otherwise), so the answer can form its key's evaluation unit.
/// </summary>
internal sealed record EvaluationJob(string Deployment, int Version, ResponseEvaluator Evaluator, byte[] RequestBody, ResponseObservation Observation, UnitTicket? Unit = null);
