using Switchback.Core.Rollouts;
using static Switchback.Core.Tests.Rollouts.Rollouts;

namespace Switchback.Core.Tests.Rollouts;

public sealed class RolloutDeciderStrategyTests
{
    [Fact]
    public void Decide_CanaryPlan_ShadowsStepsWaitsForPromoteThenPromotes()
    {
        var state = Start("""
            steps:
              - shadow: { duration: 10m, sample: 0.5, min_requests: 100 }
              - canary: { weight: 1, duration: 5m, min_requests: 5 }
              - canary: { weight: 5, duration: 10m, min_requests: 20 }
              - pause: {}
              - canary: { weight: 50, duration: 10m }
              - canary: { weight: 100 }
            """ + Guardrails);

        var first = RolloutDecider.Decide(state, new RolloutObservation(T0), T0);
        Assert.Equal(RolloutPhase.Shadowing, first.Next.Phase);
        Assert.Equal(new SetRoutingAction(0, 8, 5000), Assert.Single(first.Actions));

        var (paused, actions, now) = RunHealthy(first.Next, T0, 60);
        Assert.Equal((RolloutPhase.Paused, PhaseReason.PlanPause, 3), (paused.Phase, paused.Reason, paused.StepIndex));
        Assert.Equal([new SetRoutingAction(100, null, 0), new SetRoutingAction(500, null, 0)], actions.OfType<SetRoutingAction>());
        Assert.Equal(now, T0.AddMinutes(25));

        var later = now.AddHours(2);
        var stillPaused = RolloutDecider.Decide(paused, Healthy(paused, later), later);
        Assert.Equal((RolloutPhase.Paused, 3), (stillPaused.Next.Phase, stillPaused.Next.StepIndex));
        Assert.Empty(stillPaused.Actions);

        var promoted = RolloutDecider.Apply(paused, new PromoteCommand(), now);
        Assert.True(promoted.Accepted);
        Assert.Equal(new SetRoutingAction(5000, null, 0), Assert.Single(promoted.Decision!.Actions));

        var (done, last, end) = RunHealthy(promoted.Decision.Next, now, 60);
        Assert.Equal(RolloutPhase.Promoted, done.Phase);
        Assert.Equal(now.AddMinutes(10), end);
        Assert.Equal([new SetRoutingAction(10_000, null, 0)], last.OfType<SetRoutingAction>());
        Assert.Equal(new PromoteAction(8, null), Assert.Single(last.OfType<PromoteAction>()));
        Assert.Equal(AlertKind.Promotion, Assert.Single(last.OfType<AlertAction>()).Kind);
        Assert.Contains(done.History, d => d.Kind == DecisionKind.Promoted && d.Evidence.Length == 3);
    }

    [Fact]
    public void Decide_StepNotYetDue_HoldsWeightAndBumpsGenerationOnlyOnChange()
    {
        var state = RolloutDecider.Decide(Start("steps:\n  - canary: { weight: 2.5, duration: 10m, min_requests: 1 }\n  - canary: { weight: 100 }\n"), new RolloutObservation(T0), T0).Next;
        Assert.Equal(250, Assert.IsType<CanaryStep>(state.CurrentStep).WeightBps);

        var quiet = RolloutDecider.Decide(state, new RolloutObservation(T0.AddMinutes(1)), T0.AddMinutes(1));
        Assert.Same(state, quiet.Next);
        Assert.Empty(quiet.Actions);

        var counted = RolloutDecider.Decide(state, Traffic(T0.AddMinutes(9), 975, 25), T0.AddMinutes(9));
        Assert.Equal(state.Generation + 1, counted.Next.Generation);
        Assert.Equal((RolloutPhase.Progressing, 0, 25L), (counted.Next.Phase, counted.Next.StepIndex, counted.Next.Step.CandidateRequests));
        Assert.Empty(counted.Actions);
    }

    [Fact]
    public void Decide_Linear_RaisesWeightEachIntervalThenPromotes()
    {
        var state = Start("strategy: linear\nlinear: { step: 25, interval: 5m, min_requests: 10 }\n");

        var started = RolloutDecider.Decide(state, new RolloutObservation(T0), T0);
        var (done, actions, end) = RunHealthy(started.Next, T0, 60);

        Assert.Equal(RolloutPhase.Promoted, done.Phase);
        Assert.Equal([2500, 5000, 7500, 10_000],
            started.Actions.Concat(actions).OfType<SetRoutingAction>().Select(a => a.CandidateWeightBps));
        Assert.Equal(T0.AddMinutes(15), end);
        Assert.Single(actions.OfType<PromoteAction>());
    }

    [Fact]
    public void Decide_BlueGreen_BakesInShadowThenSwitchesAtOnceKeepingOldWarm()
    {
        var state = Start("strategy: blue-green\nbake: 10m\nkeep_warm: 2h\nsample: 0.2\nmin_requests: 50\n");

        var started = RolloutDecider.Decide(state, new RolloutObservation(T0), T0);
        Assert.Equal(RolloutPhase.Shadowing, started.Next.Phase);
        Assert.Equal(new SetRoutingAction(0, 8, 2000), Assert.Single(started.Actions));

        var (done, actions, end) = RunHealthy(started.Next, T0, 60);
        Assert.Equal(RolloutPhase.Promoted, done.Phase);
        Assert.Equal(T0.AddMinutes(10), end);
        Assert.Equal(new SetRoutingAction(10_000, null, 0), Assert.Single(actions.OfType<SetRoutingAction>()));
        Assert.Equal(new PromoteAction(8, TimeSpan.FromHours(2)), Assert.Single(actions.OfType<PromoteAction>()));
    }

    [Fact]
    public void Decide_BlueGreenKeyPreview_CandidateAtWeightZero()
    {
        var started = RolloutDecider.Decide(Start("strategy: blue-green\nbake: 5m\npreview: key\nunverified: true\n"), new RolloutObservation(T0), T0);

        Assert.Equal(RolloutPhase.Progressing, started.Next.Phase);
        Assert.Equal(new SetRoutingAction(0, null, 0), Assert.Single(started.Actions));
        var done = RolloutDecider.Decide(started.Next, new RolloutObservation(T0.AddMinutes(5)), T0.AddMinutes(5));
        Assert.Equal(RolloutPhase.Promoted, done.Next.Phase);
    }

    [Fact]
    public void Decide_ShadowStrategy_CompletesWithoutServingUsers()
    {
        var state = Start("strategy: shadow\nduration: 30m\nsample: 1.0\n" + Guardrails);

        var started = RolloutDecider.Decide(state, new RolloutObservation(T0), T0);
        var (done, actions, _) = RunHealthy(started.Next, T0, 60);

        Assert.Equal(RolloutPhase.Completed, done.Phase);
        Assert.All(started.Actions.Concat(actions).OfType<SetRoutingAction>(), a => Assert.Equal(0, a.CandidateWeightBps));
        Assert.Equal(new SetRoutingAction(0, null, 0), actions.OfType<SetRoutingAction>().Last());
        Assert.Empty(actions.OfType<PromoteAction>());
    }

    [Fact]
    public void Decide_Gate_RunsBeforeTrafficAndPassOpensFirstStep()
    {
        var state = Start("gate: { dataset: golden.jsonl, min_score: 0.9, max_drop_vs_stable: 0.02 }\n");

        var gating = RolloutDecider.Decide(state, new RolloutObservation(T0), T0);
        Assert.Equal(RolloutPhase.Gating, gating.Next.Phase);
        Assert.Equal(new RunGateAction(new GateSpec("golden.jsonl", 0.9, 0.02)), Assert.Single(gating.Actions));
        Assert.Same(gating.Next, RolloutDecider.Decide(gating.Next, new RolloutObservation(T0.AddMinutes(1)), T0.AddMinutes(1)).Next);

        var passed = RolloutDecider.Decide(gating.Next, new RolloutObservation(T0.AddMinutes(2)) { Gate = new GateResult(0.93, 0.94) }, T0.AddMinutes(2));
        Assert.Equal(RolloutPhase.Progressing, passed.Next.Phase);
        Assert.Equal(new SetRoutingAction(100, null, 0), Assert.Single(passed.Actions));
    }

    [Theory]
    [InlineData(0.85, 0.86, "below min_score 0.9")]
    [InlineData(0.91, 0.95, "below stable's 0.95")]
    [InlineData(0.95, null, "stable's score is missing")]
    public void Decide_GateFails_AbortsWithoutTrafficAndAlerts(double score, double? stable, string why)
    {
        var gating = RolloutDecider.Decide(Start("gate: { dataset: golden.jsonl, min_score: 0.9, max_drop_vs_stable: 0.02 }\n"), new RolloutObservation(T0), T0).Next;

        var failed = RolloutDecider.Decide(gating, new RolloutObservation(T0) { Gate = new GateResult(score, stable) }, T0);

        Assert.Equal((RolloutPhase.Aborted, PhaseReason.GateFailed), (failed.Next.Phase, failed.Next.Reason));
        var alert = Assert.IsType<AlertAction>(Assert.Single(failed.Actions));
        Assert.Equal(AlertKind.GateFailed, alert.Kind);
        Assert.Contains(why, alert.Message, StringComparison.Ordinal);
    }
}
