using Switchback.Core.OnlineEvaluators;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Units;

namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>
/// Adds one <see cref="EvaluationResult"/> to its version's counters and length distribution, and during a canary to its key's
/// evaluation unit (docs/statistics.md §1b). Thread-safe.
/// </summary>
internal sealed class EvaluationRecorder(SignalRegistry signals, ResponseLengthSignals lengths, UnitTracker units)
{
    /// <summary>Records one result; <paramref name="unit"/> is the request's unit ticket, null outside a canary.</summary>
    public void Record(string deployment, int version, EvaluationResult result, UnitTicket? unit = null)
    {
        if (unit is { } ticket)
        {
            units.RecordEvaluation(ticket, Flags(result));
        }

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

    /// <summary>What a result shows, as the bits of an evaluation unit.</summary>
    internal static UnitFlags Flags(EvaluationResult result)
        => (result.SafetyViolations > 0 ? UnitFlags.SafetyViolation : UnitFlags.None)
           | (result.JsonInvalid is not null ? UnitFlags.JsonChecked : UnitFlags.None)
           | (result.JsonInvalid is not null && result.CountsAsJsonInvalid ? UnitFlags.JsonInvalid : UnitFlags.None)
           | (result.Refusal ? UnitFlags.Refusal : UnitFlags.None)
           | (result.Empty ? UnitFlags.Empty : UnitFlags.None);

    /// <summary>Counts a sampled response that could not be evaluated.</summary>
    public void Skipped(string deployment, int version) => GatewayCounters.Add(signals.Get(deployment, version), EvaluationCounters.EvaluatorSkipped);
}
