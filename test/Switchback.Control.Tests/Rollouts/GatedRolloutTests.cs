using Switchback.Control.Rollouts;
using Switchback.Core.Rollouts;

namespace Switchback.Control.Tests.Rollouts;

public sealed class GatedRolloutTests
{
    private const string Gated = """
        steps:
          - canary: { weight: 10, duration: 10s }
          - canary: { weight: 100 }
        guardrails:
          - { signal: error_rate, compare: baseline, severity: hard }
        gate: { dataset: golden.jsonl, min_score: 0.9, max_drop_vs_stable: 0.02 }
        alerts:
          - webhook: http://127.0.0.1:9100/hooks/oncall
        """;

    private const string Dataset = """
        {"id": "q1", "prompt": "Question 1", "expected": "Answer 1", "scorer": {"type": "contains"}}
        {"id": "q2", "prompt": "Question 2", "expected": "Answer 2", "scorer": {"type": "contains"}}

        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<RolloutState> StartGatedAsync(ControllerHarness h)
    {
        var result = await h.Controller.BeginAsync(ControllerHarness.Spec(Gated), 2, "ops", Ct, Dataset);
        Assert.Equal(RolloutStartResultStatus.Started, result.Status);
        return result.Rollout!;
    }

    [Fact]
    public async Task Begin_Gated_RunsGateInBackgroundWithoutRouting()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        var before = h.Routed;

        var rollout = await StartGatedAsync(h);
        await h.SecondAsync();
        await h.SecondAsync();

        Assert.Equal(RolloutPhase.Gating, rollout.Phase);
        Assert.Equal(RolloutPhase.Gating, (await h.LatestAsync()).Phase);
        Assert.Equal(before, h.Routed);
        Assert.Null(await h.Store.GetRoutingStateAsync("svc", Ct));
        Assert.Null((await h.LatestAsync()).GateDataset);
        Assert.Equal(Dataset, await h.Store.GetGateDatasetAsync(rollout.Id, Ct));
        h.Gates.Fail("ended by the test");
        await h.Controller.WhenGatesIdleAsync();
        Assert.Equal([(rollout.Id, Dataset)], h.Gates.Runs);
    }

    [Fact]
    public async Task Gate_Passes_RoutesFirstStepAndRecordsReports()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await StartGatedAsync(h);

        h.Gates.Finish(candidate: 0.95, stable: 0.96);
        await h.Controller.WhenGatesIdleAsync();

        var state = await h.LatestAsync();
        Assert.Equal(RolloutPhase.Progressing, state.Phase);
        Assert.Equal(2, h.Routed.CandidateVersion);
        Assert.Equal(1_000, h.Routed.CandidateWeightBps);
        var passed = Assert.Single(state.History, d => d.Kind == DecisionKind.GatePassed);
        Assert.Contains("eval #1", passed.Reason, StringComparison.Ordinal);
        Assert.Contains("eval #2", passed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_Fails_AbortsWithReportAndAlertAndNeverRoutes()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        var before = h.Routed;
        await StartGatedAsync(h);

        h.Gates.Finish(candidate: 0.55, stable: 0.97);
        await h.Controller.WhenGatesIdleAsync();
        await h.SecondAsync();

        var state = await h.LatestAsync();
        Assert.Equal(RolloutPhase.Aborted, state.Phase);
        Assert.Equal(PhaseReason.GateFailed, state.Reason);
        Assert.Contains("below min_score", state.ReasonText, StringComparison.Ordinal);
        Assert.Contains("eval #1: mean 0.55", state.ReasonText, StringComparison.Ordinal);
        Assert.Equal(before, h.Routed);
        Assert.Null(await h.Store.GetRoutingStateAsync("svc", Ct));
        Assert.Contains(h.Alerts.Sent, a => a.Alert.Kind == "gate_failed");
        Assert.Null(await h.Store.GetActiveRolloutAsync("svc", Ct));
    }

    [Fact]
    public async Task Gate_CannotRun_AbortsWithGateFailedAlert()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await StartGatedAsync(h);

        h.Gates.Fail("svc@2 does not answer");
        await h.Controller.WhenGatesIdleAsync();

        var state = await h.LatestAsync();
        Assert.Equal(RolloutPhase.Aborted, state.Phase);
        Assert.Contains("could not run: svc@2 does not answer", state.ReasonText, StringComparison.Ordinal);
        Assert.Contains(h.Alerts.Sent, a => a.Alert.Kind == "gate_failed");
        Assert.Null(h.Routed.CandidateVersion);
    }

    [Fact]
    public async Task Gate_AbortedWhileRunning_ResultIsIgnored()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await StartGatedAsync(h);

        await h.Controller.CommandAsync("svc", new AbortCommand("changed my mind"), "ops", Ct);
        h.Gates.Finish(candidate: 1, stable: 1);
        await h.Controller.WhenGatesIdleAsync();

        var state = await h.LatestAsync();
        Assert.Equal(RolloutPhase.Aborted, state.Phase);
        Assert.Equal(PhaseReason.Operator, state.Reason);
        Assert.Null(h.Routed.CandidateVersion);
    }

    [Theory]
    [InlineData(null, "was not sent")]
    [InlineData("", "was not sent")]
    [InlineData("{\"id\": \"q1\"}\nnot json\n", "is invalid")]
    public async Task Begin_GateWithoutValidDataset_IsRefusedAndStartsNothing(string? dataset, string message)
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();

        var result = await h.Controller.BeginAsync(ControllerHarness.Spec(Gated), 2, "ops", Ct, dataset);

        Assert.Equal(RolloutStartResultStatus.Invalid, result.Status);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
        Assert.Empty(await h.Store.ListRolloutsAsync("svc", Ct));
        Assert.Empty(h.Gates.Runs);
    }

    [Fact]
    public async Task Begin_DatasetWithoutGate_IsRefused()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();

        var result = await h.Controller.BeginAsync(ControllerHarness.Spec("unverified: true\nsteps:\n  - canary: { weight: 100 }\n"), 2, "ops", Ct, Dataset);

        Assert.Equal(RolloutStartResultStatus.Invalid, result.Status);
        Assert.Empty(await h.Store.ListRolloutsAsync("svc", Ct));
    }

    [Fact]
    public async Task Restart_WhileGating_RunsTheGateAgainFromTheKeptDataset()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sb-gate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "registry.db");
        string id;
        await using (var first = new ControllerHarness(storePath: path))
        {
            await first.InitializeAsync();
            id = (await StartGatedAsync(first)).Id;
        }

        await using var second = new ControllerHarness(storePath: path);
        await second.Controller.TickAsync(Ct);
        second.Gates.Finish(candidate: 0.95, stable: 0.95);
        await second.Controller.WhenGatesIdleAsync();

        Assert.Equal([(id, Dataset)], second.Gates.Runs);
        Assert.Equal(RolloutPhase.Progressing, (await second.LatestAsync()).Phase);
        Assert.Equal(2, (await second.Store.GetRoutingStateAsync("svc", Ct))!.CandidateVersion);
    }
}
