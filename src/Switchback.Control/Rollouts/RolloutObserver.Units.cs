using System.Collections.Immutable;
using Switchback.Core.Analysis;
using Switchback.Core.OnlineEvaluators;
using Switchback.Core.Rollouts;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Units;

namespace Switchback.Control.Rollouts;

/// <summary>
/// Comparisons by unit (docs/statistics.md "the randomised unit"): during a canary the evidence for failure, latency and
/// evaluator guardrails is built from keys, not requests (evaluator signals from each key's first evaluated answer per weight). Units are grouped by the assignment probability they had (the weight when they
/// began, and for a key's later unit the weight at which it was last seen on the baseline); within a group every unit went to the candidate with that probability independently of everything else, so each
/// group is one valid factor of the guardrail's e-process however the units' outcomes are correlated.
/// </summary>
internal sealed partial class RolloutObserver
{
    /// <summary>Whether this interval is judged by unit: the rollout's canary routes users (units exist, or a canary step is in force).</summary>
    private static bool InUnitMode(RolloutState state, IntervalSignals read)
        => read.Units.Count > 0 || state.CurrentStep is CanaryStep { WeightBps: > 0 and < Core.Routing.RoutingState.FullBps };

    /// <summary>
    /// How a rate signal is measured by units: the stream its units come from, which of them are trials (null: all), and the
    /// unit's event (feedback signals: a key's first vote per weight); null for signals measured per request only
    /// (output-quality counters, shadow agreement).
    /// </summary>
    private static (UnitKind Kind, Func<UnitRecord, bool>? IsTrial, Func<UnitRecord, bool> IsEvent)? UnitEvent(string signal) => signal switch
    {
        "error_rate" => (UnitKind.Requests, null, static u => u.Failed),
        "timeout_rate" => (UnitKind.Requests, null, static u => (u.Failures & UnitRecord.Bit((int)RequestOutcome.Timeout)) != 0),
        "upstream_oom" => (UnitKind.Requests, null, static u => (u.Failures & UnitRecord.Bit((int)RequestOutcome.Oom)) != 0),
        EvaluationSignals.SafetyViolations => (UnitKind.Evaluation, null, static u => Has(u, UnitFlags.SafetyViolation)),
        EvaluationSignals.RefusalRate => (UnitKind.Evaluation, null, static u => Has(u, UnitFlags.Refusal)),
        EvaluationSignals.EmptyRate => (UnitKind.Evaluation, null, static u => Has(u, UnitFlags.Empty)),
        EvaluationSignals.JsonInvalidRate => (UnitKind.Evaluation, static u => Has(u, UnitFlags.JsonChecked), static u => Has(u, UnitFlags.JsonInvalid)),
        "thumbs_down_rate" => (UnitKind.Feedback, null, static u => Has(u, UnitFlags.ThumbsDown)),
        "escalation_rate" => (UnitKind.Feedback, null, static u => Has(u, UnitFlags.Escalated)),
        _ => null,
    };

    private static bool Has(UnitRecord unit, UnitFlags flag) => ((UnitFlags)unit.Failures & flag) != 0;

    /// <summary>The unit value of a quantile signal measured by units (its slowest request); null for the others.</summary>
    private static Func<UnitRecord, double>? UnitValue(string signal)
        => signal.StartsWith("latency", StringComparison.Ordinal) ? static u => u.MaxLatencyMs
            : signal.StartsWith("ttft", StringComparison.Ordinal) ? static u => u.MaxTtftMs
            : null;

    /// <summary>Units and events per arm, one interval per assignment probability, over the units of one stream that are trials.</summary>
    private static ImmutableArray<ArmInterval> UnitBatches(RolloutState state, IReadOnlyList<UnitRecord> units, (UnitKind Kind, Func<UnitRecord, bool>? IsTrial, Func<UnitRecord, bool> IsEvent) measure)
    {
        var (kind, isTrial, isEvent) = measure;
        var batches = new SortedDictionary<long, (long Bu, long Be, long Cu, long Ce)>();
        foreach (var unit in units)
        {
            var arm = Arm(state, unit);
            if (arm is null || unit.Kind != kind || (isTrial is not null && !isTrial(unit)))
            {
                continue;
            }

            var b = batches.GetValueOrDefault(unit.Group);
            var e = isEvent(unit) ? 1 : 0;
            batches[unit.Group] = arm.Value ? (b.Bu, b.Be, b.Cu + 1, b.Ce + e) : (b.Bu + 1, b.Be + e, b.Cu, b.Ce);
        }

        return [.. batches.Values.Select(b => new ArmInterval(b.Bu, b.Be, b.Cu, b.Ce))];
    }

    /// <summary>
    /// Exceedances of the threshold T the state fixed before this interval, counted on each unit's value exactly (no sketch
    /// bucket in the way): a baseline unit exceeds when its value &gt; T, a candidate unit when its value / max_ratio &gt; T.
    /// The next T is the baseline units' quantile over everything so far. Units without a value (every request failed) are
    /// left out of this signal; the failure guardrails count them.
    /// </summary>
    private static QuantileInterval? UnitQuantile(RolloutState state, GuardrailSpec guardrail, Cursor cursor, IReadOnlyList<UnitRecord> units, Func<UnitRecord, double> value)
    {
        var threshold = state.QuantileThreshold(guardrail.Signal);
        var batches = new SortedDictionary<long, (long Bu, long Be, long Cu, long Ce)>();
        var cumulative = cursor.Baseline.GetOrAdd("unit:" + guardrail.Signal, _ => new LatencySketch());
        foreach (var unit in units)
        {
            var v = value(unit);
            if (unit.Kind != UnitKind.Requests || double.IsNaN(v) || Arm(state, unit) is not { } candidate)
            {
                continue;
            }

            if (!candidate)
            {
                cumulative.Record(v);
            }

            if (threshold is not { } t)
            {
                continue;
            }

            var b = batches.GetValueOrDefault(unit.Group);
            batches[unit.Group] = candidate
                ? (b.Bu, b.Be, b.Cu + 1, b.Ce + (v / guardrail.MaxRatio > t ? 1 : 0))
                : (b.Bu + 1, b.Be + (v > t ? 1 : 0), b.Cu, b.Ce);
        }

        var quantile = cumulative.Quantile(guardrail.Quantile!.Value);
        if (double.IsNaN(quantile))
        {
            return null;
        }

        ImmutableArray<ArmInterval> intervals = [.. batches.Values.Select(b => new ArmInterval(b.Bu, b.Be, b.Cu, b.Ce))];
        var sum = intervals.Aggregate(default(ArmInterval), (s, i) => new ArmInterval(
            s.BaselineRequests + i.BaselineRequests, s.BaselineEvents + i.BaselineEvents, s.CandidateRequests + i.CandidateRequests, s.CandidateEvents + i.CandidateEvents));
        return new QuantileInterval(sum, threshold, quantile) { Batches = intervals };
    }

    /// <summary>True for the candidate's units, false for the baseline's, null for a unit of another version.</summary>
    private static bool? Arm(RolloutState state, UnitRecord unit)
        => unit.Version == state.CandidateVersion ? true : unit.Version == state.StableVersion ? false : null;
}
