using Microsoft.Extensions.DependencyInjection;
using Switchback.Control.Rollbacks;
using Switchback.Control.Tests.Rollouts;
using Switchback.Gateway.Routing;
using Switchback.Storage;

namespace Switchback.Control.Tests.Rollbacks;

public sealed class RollbackServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rollback_TargetServedWithinWindow_FastPathAt100PercentWithoutSteps()
    {
        await using var h = await StableMovedToTwoAsync();
        h.Time.Advance(TimeSpan.FromHours(23));

        var result = await h.Rollbacks.RollbackAsync(new RollbackRequest("svc", null, "v2 is bad", Force: false, "manual", "ops"), Ct);

        Assert.Equal((RollbackStatus.RolledBack, true, 1), (result.Status, result.FastPath, result.To));
        Assert.Equal((1, (int?)null, 0), (h.Routed.StableVersion, h.Routed.CandidateVersion, h.Routed.CandidateWeightBps));
        Assert.Null(await h.Store.GetActiveRolloutAsync("svc", Ct));
        Assert.Equal(1, h.Health.Checks);
    }

    [Fact]
    public async Task Rollback_TargetOutsideWindow_RefusedAndRoutingUnchangedUnlessForced()
    {
        await using var h = await StableMovedToTwoAsync();
        h.Time.Advance(TimeSpan.FromHours(25));

        var refused = await h.Rollbacks.RollbackAsync(new RollbackRequest("svc", null, "v2 is bad", Force: false, "manual", "ops"), Ct);
        var routedAfterRefusal = h.Routed.StableVersion;
        var forced = await h.Rollbacks.RollbackAsync(new RollbackRequest("svc", null, "v2 is bad", Force: true, "manual", "ops"), Ct);

        Assert.Equal(RollbackStatus.OutsideWindow, refused.Status);
        Assert.Contains("rollback window", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, routedAfterRefusal);
        Assert.Equal((RollbackStatus.RolledBack, false), (forced.Status, forced.FastPath));
        Assert.Equal(1, h.Routed.StableVersion);
    }

    [Fact]
    public async Task Rollback_LoadedTarget_RoutesBeforeReturningAndTimesFirstRequestOfNewGenerationOnly()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec("steps:\n  - canary: { weight: 50, duration: 1h }\n  - canary: { weight: 100 }\n"));
        var probe = h.Provider.GetRequiredService<FirstServedProbe>();
        var before = h.Routed.Generation;

        var result = await h.Rollbacks.RollbackAsync(new RollbackRequest("svc", null, "bad", Force: true, "manual", "ops"), Ct);
        var timing = h.Provider.GetRequiredService<RollbackTimings>().Last("svc")!;
        probe.Observe("svc", before, 1);
        probe.Observe("svc", h.Routed.Generation, 2);
        var unseen = timing.FirstRequestMs;
        h.Time.Advance(TimeSpan.FromMilliseconds(3));
        probe.Observe("svc", h.Routed.Generation, 1);
        h.Time.Advance(TimeSpan.FromMilliseconds(5));
        probe.Observe("svc", h.Routed.Generation, 1);

        Assert.Equal(RollbackStatus.RolledBack, result.Status);
        Assert.Equal(h.Routed, await h.Store.GetRoutingStateAsync("svc", Ct));
        Assert.Null(unseen);
        Assert.Equal(3, timing.FirstRequestMs);
        Assert.Equal((1, 1, "manual"), (timing.To, timing.From, timing.Trigger));
    }

    /// <summary>v1 stable from the start, v2 made stable by a routing change now: v1 last served now.</summary>
    private static async Task<ControllerHarness> StableMovedToTwoAsync()
    {
        var h = new ControllerHarness();
        await h.InitializeAsync();
        var moved = await h.Store.SetRoutingStateAsync(new Core.Routing.RoutingState("svc", 2), new AuditContext("ops", "v2 out"), Ct);
        await h.Rollbacks.SwapAsync(moved.State!, Ct);
        Assert.Equal(2, h.Routed.StableVersion);
        return h;
    }
}
