using Switchback.Core.OnlineEvaluators;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>Adds one <see cref="EvaluationResult"/> to its version's counters and length distribution. Thread-safe.</summary>
internal sealed class EvaluationRecorder(SignalRegistry signals, ResponseLengthSignals lengths)
{
    public void Record(string deployment, int version, EvaluationResult result)
    {
        var s = signals.Get(deployment, version);
        GatewayCounters.Add(s, EvaluationCounters.ResponsesEvaluated);
        GatewayCounters.Add(s, EvaluationCounters.ResponseLengthSum, result.ResponseLength);
        if (result.SafetyViolations > 0)
        {
            GatewayCounters.Add(s, EvaluationCounters.SafetyViolations);
        }

        if (result.JsonInvalid is not null)
        {
            GatewayCounters.Add(s, EvaluationCounters.JsonChecked);
            if (result.CountsAsJsonInvalid)
            {
                GatewayCounters.Add(s, EvaluationCounters.JsonInvalid);
            }
        }

        if (result.Refusal)
        {
            GatewayCounters.Add(s, EvaluationCounters.Refusals);
        }

        if (result.Empty)
        {
            GatewayCounters.Add(s, EvaluationCounters.Empty);
        }

        if (result.EvaluatorTimeouts > 0)
        {
            GatewayCounters.Add(s, EvaluationCounters.EvaluatorTimeouts, result.EvaluatorTimeouts);
        }

        lengths.Record(deployment, version, result.ResponseLength);
    }

    /// <summary>Counts a sampled response that could not be evaluated.</summary>
    public void Skipped(string deployment, int version) => GatewayCounters.Add(signals.Get(deployment, version), EvaluationCounters.EvaluatorSkipped);
}
