using System.Collections.Concurrent;
using System.Collections.Immutable;
using Switchback.Core.Analysis;
using Switchback.Core.OnlineEvaluators;
using Switchback.Core.Rollouts;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Signals;

namespace Switchback.Control.Rollouts;

/// <summary>
/// Turns per-second signal windows (this process's, or the fleet's through <see cref="IRolloutSignals"/>) into one
/// <see cref="RolloutObservation"/> per tick: only whole seconds not yet counted, so no request is counted twice. Where
/// counting goes on from is the rollout's persisted <see cref="RolloutState.ObservedUntil"/>, so a restarted process or a new
/// leader continues exactly; only a rollout's first interval starts from a cursor kept here. Also keeps, per rollout, the
/// baseline's cumulative latency sketches (the quantile T of docs/rollouts.md "observations"); after a restart they start
/// again, which only means the first interval sets T again. Thread-safe (one tick at a time per rollout, enforced by the controller).
/// </summary>
/// <remarks>
/// A cursor starts at the first whole second that begins at or after the moment it is started (the ceiling): a second
/// already under way holds requests from before, e.g. stable's traffic before the rollout or a gate's pinned requests, and
/// the windows cannot tell them apart. The seconds lost are lost for both arms alike, so nothing is biased.
/// </remarks>
internal sealed partial class RolloutObserver(IRolloutSignals source)
{
    private readonly ConcurrentDictionary<string, Cursor> cursors = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts (or starts again) the rollout's cursor at the first whole second from <paramref name="now"/> on; the controller
    /// calls it once the rollout's first routing is in force, so only the rollout's own traffic is counted.
    /// </summary>
    public void Start(string rolloutId, DateTimeOffset now) => cursors[rolloutId] = new Cursor(WholeSecondAtOrAfter(now));

    /// <summary>
    /// What happened since the previous call for this rollout. Before the rollout routes (<see cref="RolloutPhase.Pending"/>,
    /// <see cref="RolloutPhase.Gating"/>) nothing is counted and no cursor starts; otherwise the first call without a cursor
    /// (after a restart) only starts it.
    /// </summary>
    /// <remarks>
    /// A measured interval ends at a whole second (<see cref="RolloutObservation.IntervalEnd"/>), which becomes the state's
    /// <see cref="RolloutState.ObservedUntil"/>; the controller decides at the clock's time for signals that never lag, else at
    /// the data's end. With nothing new, <see cref="RolloutObservation.IntervalEnd"/> is that decision time and nothing is counted.
    /// </remarks>
    public async Task<RolloutObservation> ObserveAsync(RolloutState state, DateTimeOffset now, CancellationToken ct)
    {
        if (state.Phase is RolloutPhase.Pending or RolloutPhase.Gating)
        {
            return new RolloutObservation(now);
        }

        var cursor = cursors.GetOrAdd(state.Id, _ => new Cursor(WholeSecondAtOrAfter(now)));
        var from = state.ObservedUntil ?? cursor.Start;
        var read = await source.ReadAsync(state.Deployment, [state.StableVersion, state.CandidateVersion], state.Id, from, now, ct);
        if (read is null)
        {
            return new RolloutObservation(source.Lags ? from : now);
        }

        var end = read.End;
        var (baseline, baselineLengths) = read.Versions[state.StableVersion];
        var (candidate, candidateLengths) = read.Versions[state.CandidateVersion];
        var shadowing = state.Phase == RolloutPhase.Shadowing;
        var observation = new RolloutObservation(end)
        {
            IntervalStart = from,
            BaselineRequests = baseline.Requests,
            CandidateRequests = shadowing ? 0 : candidate.Requests,
            ShadowRequests = shadowing ? candidate.Requests : 0,
        };
        var comparisons = ImmutableDictionary.CreateBuilder<string, ArmInterval>(StringComparer.Ordinal);
        var unitComparisons = ImmutableDictionary.CreateBuilder<string, ImmutableArray<ArmInterval>>(StringComparer.Ordinal);
        var quantiles = ImmutableDictionary.CreateBuilder<string, QuantileInterval>(StringComparer.Ordinal);
        var absolute = ImmutableDictionary.CreateBuilder<string, SignalCount>(StringComparer.Ordinal);
        var byUnit = InUnitMode(state, read);
        foreach (var guardrail in state.Spec.Guardrails)
        {
            if (byUnit && guardrail.Rule == GuardrailRule.CompareBaseline && UnitEvent(guardrail.Signal) is { } unitEvent)
            {
                unitComparisons[guardrail.Signal] = UnitBatches(state, read.Units, unitEvent);
                continue;
            }

            if (byUnit && guardrail.Rule == GuardrailRule.CompareBaseline && UnitValue(guardrail.Signal) is { } unitValue)
            {
                if (UnitQuantile(state, guardrail, cursor, read.Units, unitValue) is { } uq)
                {
                    quantiles[guardrail.Signal] = uq;
                }

                continue;
            }

            if (guardrail.Kind == SignalKind.Quantile)
            {
                if (guardrail.Rule == GuardrailRule.CompareBaseline && Quantile(state, guardrail, cursor, baseline, candidate, baselineLengths, candidateLengths) is { } q)
                {
                    quantiles[guardrail.Signal] = q;
                }

                continue;
            }

            if (guardrail.Kind == SignalKind.Agreement)
            {
                absolute[guardrail.Signal] = Agreement(cursor, candidate);
                continue;
            }

            if (Events(guardrail.Signal, baseline) is not { } b || Events(guardrail.Signal, candidate) is not { } c)
            {
                continue;
            }

            if (guardrail.Rule == GuardrailRule.CompareBaseline)
            {
                comparisons[guardrail.Signal] = new ArmInterval(b.Trials, b.Events, c.Trials, c.Events);
            }
            else
            {
                absolute[guardrail.Signal] = new SignalCount(c.Events, c.Trials);
            }
        }

        return observation with
        {
            Comparisons = comparisons.ToImmutable(),
            UnitComparisons = unitComparisons.ToImmutable(),
            Quantiles = quantiles.ToImmutable(),
            Absolute = absolute.ToImmutable(),
        };
    }

    /// <summary>Forgets a rollout's cursor and sketches (finished, or no longer this process's to observe).</summary>
    public void Forget(string rolloutId) => cursors.TryRemove(rolloutId, out _);

    private static DateTimeOffset WholeSecondAtOrAfter(DateTimeOffset now)
    {
        var floor = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        return floor == now ? floor : floor.AddSeconds(1);
    }

    /// <summary>A signal's events and what they are out of, for one version and interval; null when the gateway does not measure it (monitors count with it too).</summary>
    internal static SignalCount? Events(string signal, SignalSnapshot s) => signal switch
    {
        "error_rate" => new SignalCount(s.Errors.Total, s.Requests),
        "timeout_rate" => new SignalCount(s.Errors.Timeout, s.Requests),
        "upstream_oom" => new SignalCount(s.Errors.Oom, s.Requests),
        "thumbs_down_rate" => new SignalCount(s.Feedback.ThumbsDown, s.Feedback.Count),
        "escalation_rate" => new SignalCount(s.Feedback.Escalations, s.Feedback.Count),

        // Evaluator signals are out of the responses actually evaluated (sampling, skips and drops excluded).
        "safety_violations" => Counter(s, EvaluationCounters.SafetyViolations, EvaluationCounters.ResponsesEvaluated),
        "json_invalid_rate" => Counter(s, EvaluationCounters.JsonInvalid, EvaluationCounters.JsonChecked),
        "refusal_rate" => Counter(s, EvaluationCounters.Refusals, EvaluationCounters.ResponsesEvaluated),
        "empty_rate" => Counter(s, EvaluationCounters.Empty, EvaluationCounters.ResponsesEvaluated),

        // Output-quality signals are counters that evaluators add to the signal windows under the signal's own name.
        _ => s.Counters.TryGetValue(signal, out var events) ? new SignalCount(Math.Min(events, s.Requests), s.Requests) : null,
    };

    private static SignalCount? Counter(SignalSnapshot s, string events, string trials)
        => s.Counters.TryGetValue(events, out var e) && s.Counters.TryGetValue(trials, out var t) ? new SignalCount(Math.Min(e, t), t) : null;

    /// <summary>
    /// Agreements out of compared shadow answers. Similarities are fractions, so whole agreements are carried across
    /// intervals: after any number of intervals the events equal ⌊Σ similarity⌋, never more than the answers compared.
    /// </summary>
    private static SignalCount Agreement(Cursor cursor, SignalSnapshot candidate)
    {
        var compared = candidate.Counters.GetValueOrDefault(GatewayCounters.ShadowCompared);
        cursor.AgreementMicros += candidate.Counters.GetValueOrDefault(GatewayCounters.ShadowAgreementMicros);
        var whole = cursor.AgreementMicros / 1_000_000;
        var events = whole - cursor.AgreementsReported;
        cursor.AgreementsReported = whole;
        return new SignalCount(events, compared);
    }

    private static QuantileInterval? Quantile(
        RolloutState state, GuardrailSpec guardrail, Cursor cursor, SignalSnapshot baseline, SignalSnapshot candidate, LatencySketch baselineLengths, LatencySketch candidateLengths)
    {
        if (guardrail.Signal == EvaluationSignals.ResponseLength)
        {
            // Lengths live in their own registry; the exceedance test is the same as for latency (docs/signals.md).
            return Exceedances(state, guardrail, cursor, baselineLengths, candidateLengths);
        }

        var ttft = guardrail.Signal.StartsWith("ttft_", StringComparison.Ordinal);
        if (!ttft && !guardrail.Signal.StartsWith("latency_", StringComparison.Ordinal))
        {
            return null;
        }

        return Exceedances(
            state,
            guardrail,
            cursor,
            ttft ? baseline.TimeToFirstTokenSketch : baseline.LatencySketch,
            ttft ? candidate.TimeToFirstTokenSketch : candidate.LatencySketch);
    }

    private static QuantileInterval? Exceedances(RolloutState state, GuardrailSpec guardrail, Cursor cursor, LatencySketch baseSketch, LatencySketch candSketch)
    {
        var cumulative = cursor.Baseline.GetOrAdd(guardrail.Signal, _ => new LatencySketch(baseSketch.Layout));
        cumulative.Merge(baseSketch);
        // T is the upper edge of the quantile's bucket: no baseline value is ambiguous about it (see QuantileUpperBound).
        var quantile = cumulative.QuantileUpperBound(guardrail.Quantile!.Value);
        if (double.IsNaN(quantile))
        {
            return null;
        }

        // Counts are taken against the T the decider fixed before this interval; the first interval only sets T. A sketch knows
        // values only to a bucket, so each side is counted the way that can only favour the candidate: every baseline bucket
        // that may hold a value above T, only candidate buckets all of whose values are above T·max_ratio (docs/statistics.md).
        var threshold = state.QuantileThreshold(guardrail.Signal);
        var exceedances = threshold is { } t
            ? new ArmInterval(baseSketch.Count, baseSketch.CountPossiblyAbove(t), candSketch.Count, candSketch.CountSurelyAbove(t * guardrail.MaxRatio))
            : default;
        return new QuantileInterval(exceedances, threshold, quantile);
    }

    private sealed class Cursor(DateTimeOffset start)
    {
        /// <summary>Where the rollout's first interval starts (once its routing is in force); later intervals go on from the state.</summary>
        public DateTimeOffset Start { get; } = start;

        public ConcurrentDictionary<string, LatencySketch> Baseline { get; } = new(StringComparer.Ordinal);

        public long AgreementMicros { get; set; }

        public long AgreementsReported { get; set; }
    }
}
