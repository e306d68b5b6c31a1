using Switchback.Control.Rollouts;
using Switchback.Core.Rollouts;
using Switchback.Core.Routing;

namespace Switchback.Control.Tests.Rollouts;

public sealed class RolloutControllerTests
{
    private const string Canary = """
        steps:
          - canary: { weight: 10, duration: 10s, min_requests: 20 }
          - canary: { weight: 100 }
        guardrails:
          - { signal: error_rate, compare: baseline, severity: hard }
          - { signal: latency_p95, compare: baseline, max_ratio: 1.5, severity: hard }
        alerts:
          - webhook: http://127.0.0.1:9100/hooks/oncall
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Begin_Canary_RoutesFirstStepBeforeReturning()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();

        var rollout = await h.StartAsync(ControllerHarness.Spec(Canary));

        Assert.Equal(RolloutPhase.Progressing, rollout.Phase);
        Assert.Equal(new RoutingState("svc", 1, 2, 1_000, Salt: rollout.Id) with { Generation = h.Routed.Generation }, h.Routed);
        Assert.Equal(h.Routed, await h.Store.GetRoutingStateAsync("svc", Ct));
    }

    [Fact]
    public async Task Tick_HealthyCandidate_PromotesAfterTheStepAndMovesStable()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec(Canary));

        for (var s = 0; s < 11 && !(await h.LatestAsync()).IsFinished; s++)
        {
            h.Serve(1, ok: 90);
            h.Serve(2, ok: 10);
            await h.SecondAsync();
        }

        var done = await h.LatestAsync();
        Assert.Equal(RolloutPhase.Promoted, done.Phase);
        Assert.Equal(2, h.Routed.StableVersion);
        Assert.Null(h.Routed.CandidateVersion);
        Assert.Equal(2, (await h.Store.GetDeploymentAsync("svc", Ct))!.Aliases["stable"]);
        Assert.Contains(h.Alerts.Sent, a => a.Alert.Kind == "promotion");
        Assert.Null(await h.Store.GetActiveRolloutAsync("svc", Ct));
    }

    [Fact]
    public async Task Tick_FlakyCandidate_RollsBackAutomaticallyWithEvidenceAndAlert()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec(Canary));

        for (var s = 0; s < 10 && !(await h.LatestAsync()).IsFinished; s++)
        {
            h.Serve(1, ok: 90);
            h.Serve(2, ok: 8, errors: 2);
            await h.SecondAsync();
        }

        var done = await h.LatestAsync();
        Assert.Equal(RolloutPhase.RolledBack, done.Phase);
        Assert.Equal(PhaseReason.HardBreach, done.Reason);
        var decision = done.History[^1];
        var evidence = Assert.Single(decision.Evidence);
        Assert.Equal("error_rate:compare", evidence.Guardrail);
        Assert.True(evidence.Test!.EValue >= evidence.Test.Threshold);
        Assert.Equal(0, evidence.Test.BaselineEvents);
        Assert.Equal(new RoutingState("svc", 1) with { Generation = h.Routed.Generation }, h.Routed);
        Assert.Equal(1, (await h.Store.GetDeploymentAsync("svc", Ct))!.Aliases["stable"]);
        var alert = Assert.Single(h.Alerts.Sent, a => a.Alert.Kind == "rollback");
        Assert.Equal("http://127.0.0.1:9100/hooks/oncall", alert.Receivers[0].Webhook.ToString());
        Assert.Equal("error_rate:compare", alert.Alert.Evidence["signal"]!.GetValue<string>());
        var audit = await h.Store.ListAuditAsync(new Storage.AuditQuery("svc"), Ct);
        Assert.Contains(audit, e => e.Action == "rollout.rolled_back" && e.After!.Contains("eValue", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "routing.set" && e.Reason!.StartsWith("rollback (error_rate:compare)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tick_SlowCandidate_LatencyGuardrailRollsBack()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec(Canary.Replace("duration: 10s", "duration: 60s", StringComparison.Ordinal)));

        for (var s = 0; s < 60 && !(await h.LatestAsync()).IsFinished; s++)
        {
            h.Serve(1, ok: 90, latencyMs: 20);
            h.Serve(2, ok: 10, latencyMs: 200);
            await h.SecondAsync();
        }

        var done = await h.LatestAsync();
        Assert.Equal(RolloutPhase.RolledBack, done.Phase);
        Assert.Equal("latency_p95:compare", Assert.Single(done.History[^1].Evidence).Guardrail);
    }

    [Fact]
    public async Task Tick_NoDataByDeadline_PausesInconclusiveAndDoesNotAdvance()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec(Canary));

        for (var s = 0; s < 15; s++)
        {
            h.Serve(1, ok: 3);
            await h.SecondAsync();
        }

        var paused = await h.LatestAsync();
        Assert.Equal((RolloutPhase.Paused, PhaseReason.Inconclusive, 0), (paused.Phase, paused.Reason, paused.StepIndex));
        Assert.Equal(1_000, h.Routed.CandidateWeightBps);
        Assert.Contains(h.Alerts.Sent, a => a.Alert.Kind == "inconclusive");
    }

    [Fact]
    public async Task Begin_SecondRolloutWhileActive_RefusedClearly()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync(3);
        await h.StartAsync(ControllerHarness.Spec(Canary));

        var second = await h.Controller.BeginAsync(ControllerHarness.Spec(Canary), 3, "ops", Ct);

        Assert.Equal(RolloutStartResultStatus.ActiveExists, second.Status);
        Assert.Contains("already has an active rollout", second.Message, StringComparison.Ordinal);
        Assert.Equal(2, h.Routed.CandidateVersion);
    }

    [Fact]
    public async Task Command_PromoteAfterRollback_Refused()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec(Canary));
        for (var s = 0; s < 10 && !(await h.LatestAsync()).IsFinished; s++)
        {
            h.Serve(1, ok: 90);
            h.Serve(2, ok: 5, errors: 5);
            await h.SecondAsync();
        }

        var promote = await h.Controller.CommandAsync("svc", new PromoteCommand(), "ops", Ct);

        Assert.Equal(RolloutPhase.RolledBack, (await h.LatestAsync()).Phase);
        Assert.Null(promote.Rollout);
        Assert.NotNull(promote.Refusal);
        Assert.Equal(1, h.Routed.StableVersion);
    }

    [Fact]
    public async Task Command_PauseResumeAbort_PersistsAndAbortRoutesBackToStable()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec(Canary));

        var paused = await h.Controller.CommandAsync("svc", new PauseCommand("look"), "ops", Ct);
        var resumeRefusedTwice = await h.Controller.CommandAsync("svc", new PauseCommand("again"), "ops", Ct);
        var resumed = await h.Controller.CommandAsync("svc", new ResumeCommand(), "ops", Ct);
        var aborted = await h.Controller.CommandAsync("svc", new AbortCommand("wrong build"), "ops", Ct);

        Assert.Equal(RolloutPhase.Paused, paused.Rollout!.Phase);
        Assert.NotNull(resumeRefusedTwice.Refusal);
        Assert.Equal(RolloutPhase.Progressing, resumed.Rollout!.Phase);
        Assert.Equal(RolloutPhase.Aborted, aborted.Rollout!.Phase);
        Assert.Equal(new RoutingState("svc", 1) with { Generation = h.Routed.Generation }, h.Routed);
        Assert.Null(await h.Store.GetActiveRolloutAsync("svc", Ct));
    }

    [Fact]
    public async Task Resume_AfterCrashBetweenPersistAndRouting_ReappliesThePhasesRouting()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec("""
            steps:
              - canary: { weight: 10, duration: 10s, min_requests: 1 }
              - canary: { weight: 50, duration: 10s, min_requests: 1 }
              - canary: { weight: 100 }
            """));

        // A crash after the state moved to the 50 % step was persisted, before its routing was written.
        var active = (await h.Store.GetActiveRolloutAsync("svc", Ct))!;
        var moved = RolloutDecider.Apply(active, new PauseCommand("x"), h.Time.GetUtcNow()).Decision!.Next;
        moved = RolloutDecider.Apply(moved, new PromoteCommand(), h.Time.GetUtcNow()).Decision!.Next;
        Assert.Equal(1, moved.StepIndex);
        await h.Store.SaveRolloutAsync(moved, active.Generation, new Storage.AuditContext("controller"), Ct);
        Assert.Equal(1_000, (await h.Store.GetRoutingStateAsync("svc", Ct))!.CandidateWeightBps);

        await using var restarted = new ControllerHarness(storePath: h.StorePath);
        await restarted.InitializeAsync(0);
        await restarted.Controller.ResumeAsync(Ct);

        Assert.Equal(5_000, restarted.Routed.CandidateWeightBps);
        Assert.Equal(5_000, (await restarted.Store.GetRoutingStateAsync("svc", Ct))!.CandidateWeightBps);
        Assert.Equal(2, restarted.Routed.CandidateVersion);
    }
}
