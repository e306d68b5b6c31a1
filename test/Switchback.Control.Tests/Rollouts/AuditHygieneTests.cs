using Switchback.Control.Fleet;
using Switchback.Core.Rollouts;
using Switchback.Storage;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Tests.Rollouts;

/// <summary>
/// Issue 11 item 5: the audit log records decisions, phase changes, commands and routing changes, not every tick. One
/// rollout-hour on a fake clock, with traffic every second, counted before (a controller that fences nothing, as every
/// controller did) and after (the leader, whose counters-only ticks are kept in the state alone).
/// </summary>
public sealed class AuditHygieneTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string HourLongCanary = """
        steps:
          - canary: { weight: 20, duration: 1h }
          - canary: { weight: 100 }
        guardrails:
          - { signal: error_rate, compare: baseline, severity: hard }
          - { signal: latency_p95, compare: baseline, max_ratio: 1.25, severity: hard }
        """;

    [Fact]
    public async Task RolloutHour_Leader_AuditsOnlyDecisionsAndRoutingWhileTheUnfencedControllerAuditedEveryTick()
    {
        var before = await AuditEntriesPerRolloutHourAsync(fenced: false);
        var after = await AuditEntriesPerRolloutHourAsync(fenced: true);
        TestContext.Current.TestOutputHelper?.WriteLine($"audit entries per rollout-hour: before {before}, after {after} (total, rollout.*, decisions)");

        // Before: one entry per tick (3,600) plus the decisions. After: start, candidate alias, step starts, routing, promotion.
        Assert.True(before.Rollout >= 3600, $"before: {before}");
        Assert.True(after.Rollout <= 5, $"after: {after}");
        Assert.True(after.Total <= 12, $"after: {after}");
        Assert.Equal(before.Decisions, after.Decisions);
    }

    private static async Task<(int Total, int Rollout, int Decisions)> AuditEntriesPerRolloutHourAsync(bool fenced)
    {
        var leadership = fenced ? new FencedLeadership() : null;
        await using var h = new ControllerHarness(leadership: leadership);
        await h.InitializeAsync();
        if (leadership is not null)
        {
            leadership.Fence = (await ((IFleetStore)h.Store).TryTakeLeaseAsync("leader", null, Ct))!.Fence;
        }

        var auditBefore = (await h.Store.ListAuditAsync(new AuditQuery(Limit: 10_000), Ct)).Count;
        await h.StartAsync(ControllerHarness.Spec(HourLongCanary));
        for (var second = 0; second <= 3600 + 1; second++)
        {
            h.Serve(1, ok: 8);
            h.Serve(2, ok: 2);
            await h.SecondAsync();
        }

        var state = await h.LatestAsync();
        Assert.Equal(RolloutPhase.Promoted, state.Phase);
        var entries = (await h.Store.ListAuditAsync(new AuditQuery(Limit: 10_000), Ct)).Skip(auditBefore).ToList();
        Assert.True((await h.Store.VerifyAuditAsync(Ct)).Ok);
        return (entries.Count, entries.Count(e => e.Action.StartsWith("rollout.", StringComparison.Ordinal)), state.History.Count);
    }

    /// <summary>A leader holding the store's lease for the whole test.</summary>
    private sealed class FencedLeadership : ILeadership
    {
        public LeaderFence? Fence { get; set; }

        public bool IsLeader => true;

        public long Elections => 1;

        public void Lost(FencedException exception) => throw new InvalidOperationException("the test's leader lost its lease", exception);

        public Task WaitForWorkAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) => Task.CompletedTask;

        public void Poke()
        {
        }
    }
}
