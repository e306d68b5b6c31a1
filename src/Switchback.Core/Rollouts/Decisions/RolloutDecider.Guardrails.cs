using System.Collections.Immutable;
using Switchback.Core.Analysis;

namespace Switchback.Core.Rollouts;

/// <summary>Guardrails: fold each interval into its test or counter, then act on breaches (hard ⇒ roll back, soft ⇒ pause).</summary>
public static partial class RolloutDecider
{
    private static void Count(Tick tick, RolloutObservation o)
    {
        if (o.BaselineRequests < 0 || o.CandidateRequests < 0 || o.ShadowRequests < 0)
        {
            throw new ArgumentException("request counts in an observation cannot be negative", nameof(o));
        }

        if (o.IntervalStart is not null && (tick.State.ObservedUntil is not { } until || o.IntervalEnd > until))
        {
            tick.Update(s => s with { ObservedUntil = o.IntervalEnd });
        }

        if (o.BaselineRequests + o.CandidateRequests + o.ShadowRequests == 0)
        {
            return;
        }

        tick.Update(s => s with
        {
            Step = new StepCounters(s.Step.BaselineRequests + o.BaselineRequests, s.Step.CandidateRequests + o.CandidateRequests,
                s.Step.ShadowRequests + o.ShadowRequests),
        });
    }

    /// <summary>Updates every guardrail; false when a hard breach rolled the rollout back.</summary>
    private static bool JudgeGuardrails(Tick tick, RolloutObservation observation)
    {
        var spec = tick.State.Spec;
        var breaches = new List<(GuardrailSpec Spec, GuardrailEvidence Evidence)>();
        foreach (var guardrail in spec.Guardrails)
        {
            var before = tick.State.Guardrails[guardrail.Key];
            var after = guardrail.Rule == GuardrailRule.CompareBaseline
                ? Compare(guardrail, before, observation, AlphaFor(spec, guardrail.Severity), spec.NoHarmMargin)
                : Absolute(guardrail, before, observation, spec);
            if (after != before)
            {
                tick.Update(s => s with { Guardrails = s.Guardrails.SetItem(guardrail.Key, after) });
            }

            if (after.Last is { Breached: true } evidence && !before.Breached)
            {
                breaches.Add((guardrail, evidence));
            }
        }

        var hard = breaches.Where(b => b.Spec.Severity == GuardrailSeverity.Hard).ToList();
        var state = tick.State;
        var who = $"{state.Deployment}@{state.CandidateVersion}";
        if (hard.Count > 0)
        {
            ImmutableArray<GuardrailEvidence> evidence = [.. hard.Select(b => b.Evidence)];
            var message = $"{who} rolled back to {state.StableVersion}: hard guardrail breached: {string.Join("; ", evidence.Select(e => e.Summary))}";
            tick.Move(RolloutPhase.RolledBack, PhaseReason.HardBreach, message);
            tick.Record(DecisionKind.RolledBack, message, evidence);
            tick.Act(new RollbackAction(hard[0].Spec.Key, evidence));
            tick.Act(new AlertAction(AlertKind.Rollback, message, evidence));
            return false;
        }

        var soft = breaches.Where(b => b.Spec.Severity == GuardrailSeverity.Soft).ToList();
        if (soft.Count > 0)
        {
            ImmutableArray<GuardrailEvidence> evidence = [.. soft.Select(b => b.Evidence)];
            var message = $"{who} paused: soft guardrail breached: {string.Join("; ", evidence.Select(e => e.Summary))}";
            tick.Move(RolloutPhase.Paused, PhaseReason.SoftBreach, message);
            tick.Record(DecisionKind.SoftBreach, message, evidence);
            tick.Act(new AlertAction(AlertKind.Pause, message, evidence));
        }

        return true;
    }

    private static GuardrailState Compare(GuardrailSpec guardrail, GuardrailState state, RolloutObservation observation, double alpha, double? noHarmMargin)
    {
        ImmutableArray<ArmInterval> intervals = [];
        var threshold = state.Threshold;
        var byUnit = false;
        if (guardrail.Kind == SignalKind.Quantile)
        {
            if (!observation.Quantiles.TryGetValue(guardrail.Signal, out var q))
            {
                return state;
            }

            // Counts taken against any other threshold than the one fixed before the interval are not a valid test input.
            if (state.Threshold is { } expected && q.ThresholdUsed == expected)
            {
                intervals = q.Batches.IsDefaultOrEmpty ? [q.Exceedances] : q.Batches;
                byUnit = !q.Batches.IsDefaultOrEmpty;
            }

            threshold = q.BaselineQuantile;
        }
        else if (observation.UnitComparisons.TryGetValue(guardrail.Signal, out var batches))
        {
            intervals = batches;
            byUnit = true;
        }
        else if (observation.Comparisons.TryGetValue(guardrail.Signal, out var counts))
        {
            intervals = [counts];
        }

        if (intervals.IsDefaultOrEmpty)
        {
            return threshold == state.Threshold ? state : state with { Threshold = threshold };
        }

        // Quantile signals arrive as exceedances already scaled by max_ratio, so their count test is at ratio 1.
        var test = new CountRatioTest(TestedRatio(guardrail));
        var testState = state.Test ?? test.Start();
        var (stepBaseline, stepCandidate) = (state.StepBaseline, state.StepCandidate);
        var noHarm = noHarmMargin is { } margin ? NoHarmTest(guardrail, margin) : null;
        var noHarmState = noHarm is null ? null : state.NoHarm ?? noHarm.Start();
        foreach (var interval in intervals)
        {
            // Each group of units shared one assignment probability: each is a valid factor of the e-process on its own.
            CheckInterval(guardrail.Signal, interval);
            testState = test.Update(testState, interval);
            noHarmState = noHarmState is null ? null : noHarm!.Update(noHarmState, interval);
            stepBaseline += interval.BaselineRequests;
            stepCandidate += interval.CandidateRequests;
        }

        var evidence = test.Evidence(testState, alpha);
        return state with
        {
            Test = testState,
            Threshold = threshold,
            StepBaseline = stepBaseline,
            StepCandidate = stepCandidate,
            NoHarm = noHarmState,
            Breached = state.Breached || evidence.Breached,
            Last = new GuardrailEvidence(guardrail.Key, guardrail.Severity, evidence.Breached, evidence, null, null, null)
            {
                ByUnit = byUnit || state.Last?.ByUnit == true,
            },
        };
    }

    private static GuardrailState Absolute(GuardrailSpec guardrail, GuardrailState state, RolloutObservation observation, RolloutSpec spec)
    {
        if (!observation.Absolute.TryGetValue(guardrail.Signal, out var count))
        {
            return state;
        }

        if (count.Events < 0 || count.Trials < 0 || (guardrail.Kind != SignalKind.Count && count.Events > count.Trials))
        {
            throw new ArgumentException($"signal {guardrail.Signal}: {count.Events} events out of {count.Trials} is not a valid count", nameof(observation));
        }

        var total = state.TotalEvents + count.Events;
        var events = state.WindowEvents + count.Events;
        var trials = state.WindowTrials + count.Trials;
        if (guardrail.Kind == SignalKind.Count)
        {
            // A count over max is a fact, not an estimate: one OOM over max: 0 is enough (PRODUCT.md §7).
            var over = total > guardrail.Limit;
            return state with
            {
                TotalEvents = total,
                WindowEvents = events,
                WindowTrials = trials,
                Breached = state.Breached || over,
                Last = new GuardrailEvidence(guardrail.Key, guardrail.Severity, over, null, total, null, guardrail.Limit),
            };
        }

        // A rate rule judges the whole rollout's trials with an anytime-valid test of the stated limit, inside the alpha budget
        // (docs/statistics.md, section 3b); a min: rule is the same test on the misses against 1 − min. A limit of 0 (or a
        // min of 1) is refuted by one event outright. min_requests still holds the rule back until that many trials.
        var below = guardrail.Rule == GuardrailRule.Min;
        var limit = below ? 1 - guardrail.Limit : guardrail.Limit;
        var misses = below ? count.Trials - count.Events : count.Events;
        var judged = (state.Test?.CandidateRequests ?? 0) + count.Trials;
        TestEvidence? test = null;
        bool breached;
        CountTestState? testState;
        if (limit <= 0)
        {
            testState = new CountTestState([], 0, 0, judged, (state.Test?.CandidateEvents ?? 0) + misses);
            breached = testState.CandidateEvents > 0;
        }
        else
        {
            var rate = new RateLimitTest(limit);
            testState = rate.Update(state.Test ?? rate.Start(), misses, count.Trials);
            test = rate.Evidence(testState, AlphaFor(spec, guardrail.Severity));
            breached = test.Breached;
        }

        breached &= judged > 0 && judged >= guardrail.MinRequests;
        var shownEvents = below ? judged - testState.CandidateEvents : testState.CandidateEvents;
        return state with
        {
            Test = testState,
            TotalEvents = total,
            WindowEvents = events,
            WindowTrials = trials,
            Breached = state.Breached || breached,
            Last = new GuardrailEvidence(guardrail.Key, guardrail.Severity, breached, test, shownEvents, judged, guardrail.Limit),
        };
    }

    /// <summary>
    /// Hard guardrails share alpha (the false-rollback budget) and soft ones share another alpha (the false-pause budget):
    /// only hard guardrails roll back, so only they spend the budget PRODUCT.md §7 promises. Comparisons and rate rules
    /// tested sequentially spend it; counts and zero-limit rates cannot fire on a version within its limit, so they do not.
    /// </summary>
    private static double AlphaFor(RolloutSpec spec, GuardrailSeverity severity)
        => AlphaSplit.PerGuardrail(spec.Alpha, spec.Guardrails.Count(g => g.Severity == severity && SpendsAlpha(g)));

    private static bool SpendsAlpha(GuardrailSpec g) => g.Rule == GuardrailRule.CompareBaseline
        || (g.Kind != SignalKind.Count && (g.Rule == GuardrailRule.Min ? g.Limit < 1 : g.Limit > 0));

    /// <summary>The ratio a comparison's count test runs at: quantile signals arrive as exceedances already scaled by max_ratio.</summary>
    private static double TestedRatio(GuardrailSpec guardrail) => guardrail.Kind == SignalKind.Quantile ? 1.0 : guardrail.MaxRatio;

    /// <summary>The mirror test of <c>promote_when: no_harm_shown</c>: harm is a rate (1 + margin) times the tested ratio.</summary>
    private static CountRatioTest NoHarmTest(GuardrailSpec guardrail, double margin) => CountRatioTest.NoHarm(TestedRatio(guardrail) * (1 + margin));

    private static void CheckInterval(string signal, ArmInterval i)
    {
        if (i.BaselineRequests < 0 || i.CandidateRequests < 0 || i.BaselineEvents < 0 || i.CandidateEvents < 0
            || i.BaselineEvents > i.BaselineRequests || i.CandidateEvents > i.CandidateRequests)
        {
            throw new ArgumentException($"signal {signal}: the interval {i} has negative counts or more events than requests");
        }
    }
}
