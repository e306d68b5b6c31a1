using System.Collections.Immutable;
using Switchback.Core.Analysis;
using Switchback.Core.Rollouts;
using static Switchback.Core.Tests.Rollouts.Rollouts;

namespace Switchback.Core.Tests.Rollouts;

public sealed class RolloutDeciderGuardrailTests
{
    private const string Plan = "steps:\n  - canary: { weight: 10, duration: 10m, min_requests: 50 }\n  - canary: { weight: 100 }";

    private static RolloutState Running(string extra = "") => RolloutDecider.Decide(Start(Plan + Guardrails + extra), new RolloutObservation(T0), T0).Next;

    [Fact]
    public void Decide_FailedAnalysis_NeverPromotes()
    {
        var state = Running();
        var now = T0.AddMinutes(1);
        var breach = RolloutDecider.Decide(state, Traffic(now, 900, 100, baselineErrors: 9, candidateErrors: 40), now);
        Assert.Equal((RolloutPhase.RolledBack, PhaseReason.HardBreach), (breach.Next.Phase, breach.Next.Reason));
        var rollback = Assert.Single(breach.Actions.OfType<RollbackAction>());
        Assert.Equal("error_rate:compare", rollback.Trigger);
        Assert.True(Assert.Single(rollback.Evidence).Test!.EValue >= 1 / 0.01);
        Assert.Equal(AlertKind.Rollback, Assert.Single(breach.Actions.OfType<AlertAction>()).Kind);

        // Argo's failure: healthy data after a failed analysis, and the deadline passing, must not complete the rollout.
        var after = breach.Next;
        for (var minute = 2; minute < 120; minute++)
        {
            var decision = RolloutDecider.Decide(after, Traffic(T0.AddMinutes(minute), 900, 100), T0.AddMinutes(minute));
            Assert.Same(after, decision.Next);
            Assert.Empty(decision.Actions);
        }

        var promote = RolloutDecider.Apply(after, new PromoteCommand(), T0.AddHours(3));
        Assert.False(promote.Accepted);
        Assert.Contains("is finished (rolled back", promote.Refusal, StringComparison.Ordinal);
        Assert.False(RolloutDecider.Apply(after, new ResumeCommand(), T0.AddHours(3)).Accepted);
    }

    [Fact]
    public void Decide_NoDataByDeadline_PausesInconclusive()
    {
        var state = Running();

        // Flagger's failure: a silent candidate ("no values found") must not advance.
        var deadline = T0.AddMinutes(10);
        var decision = RolloutDecider.Decide(state, Traffic(deadline, 900, 3), deadline);

        Assert.Equal((RolloutPhase.Paused, PhaseReason.Inconclusive, 0), (decision.Next.Phase, decision.Next.Reason, decision.Next.StepIndex));
        var alert = Assert.IsType<AlertAction>(Assert.Single(decision.Actions));
        Assert.Equal(AlertKind.Inconclusive, alert.Kind);
        Assert.Contains("candidate 3/50 requests", alert.Message, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.Inconclusive, decision.Next.History[^1].Kind);
    }

    [Fact]
    public void Decide_EnoughRequestsButNoFeedback_ThumbsDownGuardrailMakesTheStepInconclusive()
    {
        var state = Running();

        // Requests on both arms, but the thumbs-down comparison never had a vote: its silence is not a pass.
        var deadline = T0.AddMinutes(10);
        var noFeedback = Traffic(deadline, 900, 100) with
        {
            Comparisons = ImmutableDictionary<string, ArmInterval>.Empty.Add("error_rate", new ArmInterval(900, 0, 100, 0)),
        };
        var decision = RolloutDecider.Decide(state, noFeedback, deadline);

        Assert.Equal((RolloutPhase.Paused, PhaseReason.Inconclusive, 0), (decision.Next.Phase, decision.Next.Reason, decision.Next.StepIndex));
        Assert.Contains("thumbs_down_rate without enough data (baseline 0/1, candidate 0/1)", decision.Next.ReasonText, StringComparison.Ordinal);
        Assert.DoesNotContain("error_rate", decision.Next.ReasonText, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_GuardrailMinRequests_HonouredPerArmBeforeTheStepPasses()
    {
        var state = Start(Plan + "\nguardrails:\n  - { signal: latency_p95, compare: baseline, max_ratio: 1.5, min_requests: 200 }\n");
        state = RolloutDecider.Decide(state, new RolloutObservation(T0), T0).Next;
        var latency = (ArmInterval arm) => new RolloutObservation(T0) with
        {
            BaselineRequests = arm.BaselineRequests,
            CandidateRequests = arm.CandidateRequests,
            Quantiles = ImmutableDictionary<string, QuantileInterval>.Empty.Add("latency_p95", new QuantileInterval(arm, state.QuantileThreshold("latency_p95"), 100)),
        };

        // The first interval fixes T; the next ones count. 150 candidate latencies by the deadline: short of 200.
        state = RolloutDecider.Decide(state, latency(default) with { IntervalEnd = T0.AddMinutes(1) }, T0.AddMinutes(1)).Next;
        state = RolloutDecider.Decide(state, latency(new ArmInterval(1000, 50, 150, 7)) with { IntervalEnd = T0.AddMinutes(10) }, T0.AddMinutes(10)).Next;
        Assert.Equal((RolloutPhase.Paused, PhaseReason.Inconclusive), (state.Phase, state.Reason));
        Assert.Contains("latency_p95 without enough data (baseline 1000/200, candidate 150/200)", state.ReasonText, StringComparison.Ordinal);

        // The same with 250: the step passes.
        var enough = Start(Plan + "\nguardrails:\n  - { signal: latency_p95, compare: baseline, max_ratio: 1.5, min_requests: 200 }\n");
        enough = RolloutDecider.Decide(enough, new RolloutObservation(T0), T0).Next;
        enough = RolloutDecider.Decide(enough, latency(default) with { IntervalEnd = T0.AddMinutes(1) }, T0.AddMinutes(1)).Next;
        enough = RolloutDecider.Decide(enough, latency(new ArmInterval(1000, 50, 250, 12)) with { IntervalEnd = T0.AddMinutes(10) }, T0.AddMinutes(10)).Next;
        Assert.Equal(RolloutPhase.Promoted, enough.Phase);
    }

    [Fact]
    public void Decide_PromoteWhenNoHarmShown_WaitsForTheEvidenceAtTheLastComparedStep()
    {
        const string plan = "promote_when: no_harm_shown\nmargin: 0.2\nsteps:\n  - canary: { weight: 50, duration: 10m, min_requests: 50 }\n  - canary: { weight: 100 }\n"
            + "guardrails:\n  - { signal: error_rate, compare: baseline }\n";
        var state = RolloutDecider.Decide(Start(plan), new RolloutObservation(T0), T0).Next;
        Assert.Equal(0.2, state.Spec.NoHarmMargin);
        RolloutObservation Equal(DateTimeOffset end, long perArm) => Traffic(end, perArm, perArm, baselineErrors: perArm / 20, candidateErrors: perArm / 20) with
        {
            Comparisons = ImmutableDictionary<string, ArmInterval>.Empty.Add("error_rate", new ArmInterval(perArm, perArm / 20, perArm, perArm / 20)),
        };

        // Enough requests for the step, but 1,000 a side cannot show "less than 20 % worse" at a 5 % error rate.
        var few = RolloutDecider.Decide(state, Equal(T0.AddMinutes(10), 1_000), T0.AddMinutes(10)).Next;
        Assert.Equal((RolloutPhase.Paused, PhaseReason.Inconclusive), (few.Phase, few.Reason));
        Assert.Contains("no harm beyond 20 % not yet shown on error_rate", few.ReasonText, StringComparison.Ordinal);

        // 40,000 a side at equal rates shows it: promoted. The plain rule would have promoted on the first data.
        var many = RolloutDecider.Decide(state, Equal(T0.AddMinutes(10), 40_000), T0.AddMinutes(10)).Next;
        Assert.Equal(RolloutPhase.Promoted, many.Phase);
        var plain = RolloutDecider.Decide(Start(plan.Replace("promote_when: no_harm_shown\nmargin: 0.2\n", string.Empty, StringComparison.Ordinal)), new RolloutObservation(T0), T0).Next;
        Assert.Equal(RolloutPhase.Promoted, RolloutDecider.Decide(plain, Equal(T0.AddMinutes(10), 1_000), T0.AddMinutes(10)).Next.Phase);
    }

    [Fact]
    public void Decide_BaselineZeroErrors_CandidateErrors_RollsBack()
    {
        var state = Running();
        RolloutDecision? decision = null;

        // Kayenta's failure: a clean baseline is not a reason to pass a candidate that errs.
        for (var minute = 1; minute <= 5 && state.Phase != RolloutPhase.RolledBack; minute++)
        {
            decision = RolloutDecider.Decide(state, Traffic(T0.AddMinutes(minute), 900, 100, baselineErrors: 0, candidateErrors: 5), T0.AddMinutes(minute));
            state = decision.Next;
        }

        Assert.Equal(RolloutPhase.RolledBack, state.Phase);
        var evidence = Assert.Single(state.History[^1].Evidence).Test!;
        Assert.Equal(0, evidence.BaselineEvents);
        Assert.True(evidence.EValue >= evidence.Threshold);
        Assert.True(evidence.PValue <= evidence.Alpha);
    }

    [Fact]
    public void Decide_CountsByUnit_SummarySaysUnits_RequestsDoNot()
    {
        var interval = new Switchback.Core.Analysis.ArmInterval(900, 9, 100, 1);
        var byRequest = RolloutDecider.Decide(Running(), Traffic(T0.AddMinutes(1), 900, 100, baselineErrors: 9, candidateErrors: 1), T0.AddMinutes(1)).Next;
        var byUnit = RolloutDecider.Decide(Running(), Traffic(T0.AddMinutes(1), 900, 100, baselineErrors: 9, candidateErrors: 1) with
        {
            UnitComparisons = System.Collections.Immutable.ImmutableDictionary<string, System.Collections.Immutable.ImmutableArray<Switchback.Core.Analysis.ArmInterval>>.Empty
                .Add("error_rate", [interval]),
        }, T0.AddMinutes(1)).Next;

        var requests = byRequest.Guardrails.Values.Select(g => g.Last).OfType<GuardrailEvidence>().Single(e => e.Guardrail.StartsWith("error_rate", StringComparison.Ordinal));
        var units = byUnit.Guardrails.Values.Select(g => g.Last).OfType<GuardrailEvidence>().Single(e => e.Guardrail.StartsWith("error_rate", StringComparison.Ordinal));
        Assert.False(requests.ByUnit);
        Assert.DoesNotContain("units", requests.Summary, StringComparison.Ordinal);
        Assert.True(units.ByUnit);
        Assert.Contains("baseline 9/900 units, candidate 1/100 units", units.Summary, StringComparison.Ordinal);
        Assert.Contains(RolloutJson.Deserialize(RolloutJson.Serialize(byUnit)).Guardrails.Values, g => g.Last?.ByUnit == true);
    }

    [Fact]
    public void Decide_BaselineNoTraffic_CandidateErrors_NeverPasses()
    {
        var state = Running();
        for (var minute = 1; minute <= 10; minute++)
        {
            state = RolloutDecider.Decide(state, Traffic(T0.AddMinutes(minute), 0, 100, candidateErrors: 5), T0.AddMinutes(minute)).Next;
        }

        Assert.Equal((RolloutPhase.Paused, PhaseReason.Inconclusive, 0), (state.Phase, state.Reason, state.StepIndex));
        Assert.Contains("baseline 0/50 requests", state.ReasonText, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_OneOomOverMax_RollsBackAtOnce()
    {
        var state = Running();

        var decision = RolloutDecider.Decide(state, Traffic(T0.AddSeconds(10), 9, 1, oom: 1), T0.AddSeconds(10));

        Assert.Equal(RolloutPhase.RolledBack, decision.Next.Phase);
        Assert.Equal("upstream_oom:max", Assert.Single(decision.Actions.OfType<RollbackAction>()).Trigger);
        Assert.Contains("upstream_oom:max: 1 events (max 0)", decision.Next.ReasonText, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SoftBreach_PausesAlertsAndResumeDoesNotRePause()
    {
        var state = Running();
        var now = T0.AddMinutes(1);
        var observation = Traffic(now, 900, 100) with
        {
            Comparisons = ImmutableDictionary<string, ArmInterval>.Empty
                .Add("error_rate", new ArmInterval(900, 0, 100, 0))
                .Add("thumbs_down_rate", new ArmInterval(900, 9, 100, 40)),
        };

        var paused = RolloutDecider.Decide(state, observation, now);
        Assert.Equal((RolloutPhase.Paused, PhaseReason.SoftBreach), (paused.Next.Phase, paused.Next.Reason));
        Assert.Equal(AlertKind.Pause, Assert.Single(paused.Actions.OfType<AlertAction>()).Kind);
        Assert.Empty(paused.Actions.OfType<RollbackAction>());

        var resumed = RolloutDecider.Apply(paused.Next, new ResumeCommand(), now.AddMinutes(1));
        Assert.Equal(RolloutPhase.Progressing, resumed.Decision!.Next.Phase);
        var again = RolloutDecider.Decide(resumed.Decision.Next, observation with { IntervalEnd = now.AddMinutes(2) }, now.AddMinutes(2));
        Assert.Equal(RolloutPhase.Progressing, again.Next.Phase);
        Assert.Empty(again.Actions);
    }

    [Fact]
    public void Decide_RateMax_WaitsForMinRequestsThenActs()
    {
        var state = Running("\n  - { signal: json_invalid_rate, max: 0.05, min_requests: 100, severity: soft }\n");
        ImmutableDictionary<string, SignalCount> Bad(long events, long trials) => ImmutableDictionary<string, SignalCount>.Empty.Add("json_invalid_rate", new SignalCount(events, trials));

        var early = RolloutDecider.Decide(state, new RolloutObservation(T0.AddMinutes(1)) { Absolute = Bad(5, 10) }, T0.AddMinutes(1));
        Assert.Equal(RolloutPhase.Progressing, early.Next.Phase);

        var late = RolloutDecider.Decide(early.Next, new RolloutObservation(T0.AddMinutes(2)) { Absolute = Bad(25, 90) }, T0.AddMinutes(2));
        Assert.Equal((RolloutPhase.Paused, PhaseReason.SoftBreach), (late.Next.Phase, late.Next.Reason));
        Assert.Contains("json_invalid_rate:max: 30/100 = 0.3 (limit 0.05), e-value", late.Next.ReasonText, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_RateMaxAboveTheLimitByChance_NeedsEvidenceNotAnEstimate()
    {
        // 8 % observed against a 5 % limit over 100 requests is well within chance for a version at 5 %: the plug-in check
        // paused here; the sequential test waits until the excess is shown, here with 2,000 requests at 12 %.
        var state = Running("\n  - { signal: json_invalid_rate, max: 0.05, min_requests: 100, severity: soft }\n");
        ImmutableDictionary<string, SignalCount> Bad(long events, long trials) => ImmutableDictionary<string, SignalCount>.Empty.Add("json_invalid_rate", new SignalCount(events, trials));

        var chance = RolloutDecider.Decide(state, new RolloutObservation(T0.AddMinutes(1)) { Absolute = Bad(8, 100) }, T0.AddMinutes(1)).Next;
        Assert.Equal(RolloutPhase.Progressing, chance.Phase);
        var evidence = chance.Guardrails["json_invalid_rate:max"].Last!;
        Assert.False(evidence.Breached);
        Assert.True(evidence.Test!.EValue < evidence.Test.Threshold, evidence.Summary);

        var shown = RolloutDecider.Decide(chance, new RolloutObservation(T0.AddMinutes(2)) { Absolute = Bad(232, 1900) }, T0.AddMinutes(2)).Next;
        Assert.Equal((RolloutPhase.Paused, PhaseReason.SoftBreach), (shown.Phase, shown.Reason));
        Assert.Contains("240/2000 = 0.12 (limit 0.05)", shown.ReasonText, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_LatencyCountsOnlyAgainstTheAnnouncedThreshold()
    {
        var state = Running("\n  - { signal: latency_p95, compare: baseline, max_ratio: 1.25 }\n");
        QuantileInterval Slow(double? used) => new(new ArmInterval(900, 45, 100, 60), used, 800);

        var first = RolloutDecider.Decide(state, new RolloutObservation(T0.AddMinutes(1)) { Quantiles = ImmutableDictionary<string, QuantileInterval>.Empty.Add("latency_p95", Slow(null)) }, T0.AddMinutes(1)).Next;
        Assert.Equal(800, first.QuantileThreshold("latency_p95"));
        Assert.Null(first.Guardrails["latency_p95:compare"].Test);

        var wrong = RolloutDecider.Decide(first, new RolloutObservation(T0.AddMinutes(2)) { Quantiles = ImmutableDictionary<string, QuantileInterval>.Empty.Add("latency_p95", Slow(750)) }, T0.AddMinutes(2)).Next;
        Assert.Null(wrong.Guardrails["latency_p95:compare"].Test);

        var right = RolloutDecider.Decide(wrong, new RolloutObservation(T0.AddMinutes(3)) { Quantiles = ImmutableDictionary<string, QuantileInterval>.Empty.Add("latency_p95", Slow(800)) }, T0.AddMinutes(3));
        Assert.Equal(RolloutPhase.RolledBack, right.Next.Phase);
        Assert.Equal("latency_p95:compare", Assert.Single(right.Actions.OfType<RollbackAction>()).Trigger);
    }

    [Fact]
    public void Decide_AaTraffic_ContinuousMonitoring_RarelyRollsBack()
    {
        const int Rollouts = 300;
        const double Alpha = 0.05;
        var random = new Random(20261124);
        var rolledBack = 0;
        var spec = "steps:\n  - canary: { weight: 5, duration: 20m, min_requests: 20 }\n  - canary: { weight: 25, duration: 20m, min_requests: 20 }\n  - canary: { weight: 50, duration: 20m, min_requests: 20 }\n  - canary: { weight: 100 }\n"
            + "guardrails:\n  - { signal: error_rate, compare: baseline, severity: hard }\nalpha: 0.05\n";
        for (var r = 0; r < Rollouts; r++)
        {
            var state = RolloutDecider.Decide(Start(spec), new RolloutObservation(T0), T0).Next;
            var now = T0;
            while (!state.IsFinished)
            {
                // Checked every minute (continuous peeking) with the same 2 % error rate on both arms.
                now = now.AddMinutes(1);
                var weight = ((CanaryStep)state.CurrentStep!).WeightBps;
                var candidate = 200L * weight / 10_000;
                var baseline = 200 - candidate;
                var observation = Traffic(now, baseline, candidate, Binomial(random, baseline, 0.02), Binomial(random, candidate, 0.02));
                state = RolloutDecider.Decide(state, observation, now).Next;
            }

            rolledBack += state.Phase == RolloutPhase.RolledBack ? 1 : 0;
            Assert.True(state.Phase is RolloutPhase.RolledBack or RolloutPhase.Promoted);
        }

        var rate = (double)rolledBack / Rollouts;
        Assert.True(rate <= Alpha + 0.03, $"A/A rollback rate {rate:P1} over {Rollouts} rollouts exceeds alpha {Alpha} + 3 points");
    }

    private static long Binomial(Random random, long n, double p)
    {
        long k = 0;
        for (var i = 0; i < n; i++)
        {
            k += random.NextDouble() < p ? 1 : 0;
        }

        return k;
    }
}
