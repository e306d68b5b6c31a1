using Switchback.Control.Rollbacks;
using Switchback.Core.Bundles;
using Switchback.Core.Rollouts;
using Switchback.Storage;

namespace Switchback.Control.Tests.Rollouts;

public sealed class CandidateAliasTests
{
    private const string Canary = """
        steps:
          - canary: { weight: 10, duration: 10s, min_requests: 20 }
          - canary: { weight: 100 }
        guardrails:
          - { signal: error_rate, compare: baseline, severity: hard }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Begin_Canary_PointsCandidateAliasAtTheCandidate()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();

        var rollout = await h.StartAsync(ControllerHarness.Spec(Canary));

        Assert.Equal(2, await AliasAsync(h, "candidate"));
        var move = (await h.Store.GetAliasHistoryAsync("svc", Ct))[^1];
        Assert.Equal(("candidate", (int?)null, (int?)2, "ops", $"rollout {rollout.Id} started"), (move.Alias, move.FromVersion, move.ToVersion, move.Actor, move.Reason));
    }

    [Fact]
    public async Task Tick_Promotion_MovesStableAndRemovesCandidate()
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

        Assert.Equal(RolloutPhase.Promoted, (await h.LatestAsync()).Phase);
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 2 }, (await h.Store.GetDeploymentAsync("svc", Ct))!.Aliases);
        var history = await h.Store.GetAliasHistoryAsync("svc", Ct);
        Assert.Equal(("candidate", (int?)2, (int?)null, "controller"), (history[^1].Alias, history[^1].FromVersion, history[^1].ToVersion, history[^1].Actor));
        Assert.Contains(await h.Store.ListAuditAsync(new AuditQuery(), Ct), e => e.Action == "alias.remove" && e.Target == "svc@2");
    }

    [Fact]
    public async Task Tick_HardBreach_RollsBackAndRemovesCandidate()
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

        Assert.Equal(RolloutPhase.RolledBack, (await h.LatestAsync()).Phase);
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 1 }, (await h.Store.GetDeploymentAsync("svc", Ct))!.Aliases);
    }

    [Fact]
    public async Task Command_Abort_RemovesCandidate()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec(Canary));

        var aborted = await h.Controller.CommandAsync("svc", new AbortCommand("wrong build"), "ops", Ct);

        Assert.Equal(RolloutPhase.Aborted, aborted.Rollout!.Phase);
        Assert.Null(await AliasAsync(h, "candidate"));
        Assert.Equal(1, await AliasAsync(h, "stable"));
    }

    [Fact]
    public async Task Rollback_DuringRollout_AbortsAndRemovesCandidate()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec(Canary));

        var result = await h.Rollbacks.RollbackAsync(new RollbackRequest("svc", null, "v2 is bad", Force: true, "manual", "ops"), Ct);

        Assert.Equal(RollbackStatus.RolledBack, result.Status);
        Assert.Null(await AliasAsync(h, "candidate"));
    }

    [Fact]
    public async Task Command_Abort_CandidateAliasMovedByUser_KeepsIt()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync(versions: 3);
        await h.StartAsync(ControllerHarness.Spec(Canary));
        await h.Store.SetAliasAsync(new VersionRef("svc", 3), "candidate", new AuditContext("ops", "next one"), Ct);

        await h.Controller.CommandAsync("svc", new AbortCommand("wrong build"), "ops", Ct);

        Assert.Equal(3, await AliasAsync(h, "candidate"));
    }

    private static async Task<int?> AliasAsync(ControllerHarness h, string alias)
        => (await h.Store.GetDeploymentAsync("svc", Ct))!.Aliases.TryGetValue(alias, out var v) ? v : null;
}
