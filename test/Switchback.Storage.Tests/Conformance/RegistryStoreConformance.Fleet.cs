using Switchback.Core.Bundles;
using Switchback.Core.Rollouts;
using Switchback.Core.Routing;
using Switchback.Storage.Fleet;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    private IFleetStore Fleet => (IFleetStore)Store;

    [Fact]
    public async Task Lease_TakeRenewTakeOverRelease_TermsGrowAndStaleHoldersAreRefused()
    {
        var first = await Fleet.TryTakeLeaseAsync("a", null, Ct);
        var secondFirst = await Fleet.TryTakeLeaseAsync("b", null, Ct);
        var renewed = await Fleet.RenewLeaseAsync(first!.Fence, Ct);
        var takenOver = await Fleet.TryTakeLeaseAsync("b", renewed, Ct);
        var staleRenew = await Fleet.RenewLeaseAsync(first.Fence, Ct);
        var staleTake = await Fleet.TryTakeLeaseAsync("c", renewed, Ct);
        await Fleet.ReleaseLeaseAsync(first.Fence, Ct);
        var stillB = await Fleet.ReadLeaseAsync(Ct);
        await Fleet.ReleaseLeaseAsync(takenOver!.Fence, Ct);
        var released = await Fleet.ReadLeaseAsync(Ct);
        var afterRelease = await Fleet.TryTakeLeaseAsync("c", released, Ct);

        Assert.Equal(("a", 1L, 0L), (first.Holder, first.Term, first.Renewals));
        Assert.Null(secondFirst);
        Assert.Equal(("a", 1L, 1L), (renewed!.Holder, renewed.Term, renewed.Renewals));
        Assert.Equal(("b", 2L, 0L), (takenOver.Holder, takenOver.Term, takenOver.Renewals));
        Assert.Null(staleRenew);
        Assert.Null(staleTake);
        Assert.Equal("b", stillB!.Holder);
        Assert.True(released!.IsReleased);
        Assert.Equal(("c", 3L), (afterRelease!.Holder, afterRelease.Term));
    }

    [Fact]
    public async Task Lease_ManyReplicasTakeOverTheSameSeenLease_ExactlyOneWins()
    {
        var seen = await Fleet.TryTakeLeaseAsync("dead", null, Ct);
        var stores = Enumerable.Range(0, 6).Select(_ => (IFleetStore)Open(Database)).ToArray();

        var results = await Task.WhenAll(stores.Select((s, i) => s.TryTakeLeaseAsync($"r{i}", seen, Ct)));

        var winner = Assert.Single(results, r => r is not null)!;
        Assert.Equal(2, winner.Term);
        Assert.Equal(winner, await Fleet.ReadLeaseAsync(Ct));
    }

    [Fact]
    public async Task FencedWrite_DeposedLeader_IsRefusedAndChangesNothing()
    {
        await RegisterVersionsAsync("svc", 2);
        var rollout = NewRollout("r-1", "svc", 1, 2);
        await Store.StartRolloutAsync(rollout, Admin, Ct);
        var old = await Fleet.TryTakeLeaseAsync("old", null, Ct);
        var current = await Fleet.TryTakeLeaseAsync("new", old, Ct);
        var started = RolloutDecider.Decide(rollout, new RolloutObservation(Start), Start).Next;
        var audit = await CountAsync("audit_log");
        var epoch = await Fleet.GetRoutingEpochAsync(Ct);

        await Assert.ThrowsAsync<FencedException>(() => Store.SaveRolloutAsync(started, rollout.Generation, new AuditContext("controller") { Fence = old!.Fence }, Ct));
        await Assert.ThrowsAsync<FencedException>(() => Store.SetRoutingStateAsync(new RoutingState("svc", 2), new AuditContext("controller") { Fence = old!.Fence }, Ct));
        await Assert.ThrowsAsync<FencedException>(() => Store.SetAliasAsync(new VersionRef("svc", 2), "candidate", new AuditContext("controller") { Fence = old!.Fence }, Ct));
        await Assert.ThrowsAsync<FencedException>(() => Fleet.MarkReplicaLostAsync("x", 0, old!.Fence, Ct));

        Assert.Equal(audit, await CountAsync("audit_log"));
        Assert.Equal(epoch, await Fleet.GetRoutingEpochAsync(Ct));
        Assert.Equal(RolloutPhase.Pending, (await Store.GetActiveRolloutAsync("svc", Ct))!.Phase);
        Assert.Null(await Store.GetRoutingStateAsync("svc", Ct));
        Assert.Equal(RolloutSaveStatus.Saved, await Store.SaveRolloutAsync(started, rollout.Generation, new AuditContext("controller") { Fence = current!.Fence }, Ct));
    }

    [Fact]
    public async Task SaveRollout_LeaderTickThatOnlyMovesCounters_WritesNoAuditEntry()
    {
        await RegisterVersionsAsync("svc", 2);
        var rollout = NewRollout("r-1", "svc", 1, 2);
        await Store.StartRolloutAsync(rollout, Admin, Ct);
        var lease = await Fleet.TryTakeLeaseAsync("leader", null, Ct);
        var leader = new AuditContext("controller") { Fence = lease!.Fence };
        var started = RolloutDecider.Decide(rollout, new RolloutObservation(Start), Start).Next;
        await Store.SaveRolloutAsync(started, rollout.Generation, leader, Ct);
        var audit = await CountAsync("audit_log");

        var state = started;
        for (var second = 1; second <= 30; second++)
        {
            var observation = new RolloutObservation(Start.AddSeconds(second)) { BaselineRequests = 10, CandidateRequests = 10 };
            var next = RolloutDecider.Decide(state, observation, Start.AddSeconds(second)).Next;
            Assert.Equal(RolloutSaveStatus.Saved, await Store.SaveRolloutAsync(next, state.Generation, leader, Ct));
            state = next;
        }

        Assert.Equal(audit, await CountAsync("audit_log"));
        Assert.Equal(300, (await Store.GetActiveRolloutAsync("svc", Ct))!.Step.CandidateRequests);
        var aborted = RolloutDecider.Apply(state, new AbortCommand("enough"), Start.AddMinutes(1)).Decision!.Next;
        await Store.SaveRolloutAsync(aborted, state.Generation, leader, Ct);
        Assert.Equal(audit + 1, await CountAsync("audit_log"));
        Assert.True((await Store.VerifyAuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task SaveRollout_CompletingAQueuedCommand_MarksItDoneOnce()
    {
        await RegisterVersionsAsync("svc", 2);
        var rollout = NewRollout("r-1", "svc", 1, 2);
        await Store.StartRolloutAsync(rollout, Admin, Ct);
        var id = await Fleet.EnqueueRolloutCommandAsync("svc", "abort", "bad", "ops", Ct);
        var pending = Assert.Single(await Fleet.ListPendingRolloutCommandsAsync(Ct));
        var aborted = RolloutDecider.Apply(rollout, new AbortCommand("bad"), Start).Decision!.Next;
        var applying = new AuditContext("ops", "bad") { Completes = new CommandCompletion(id, """{"status":"applied"}""") };

        var first = await Store.SaveRolloutAsync(aborted, rollout.Generation, applying, Ct);
        var again = await Store.SaveRolloutAsync(aborted with { Generation = aborted.Generation + 1 }, aborted.Generation, applying, Ct);

        Assert.Equal((id, "svc", "abort", "bad", "ops"), (pending.Id, pending.Deployment, pending.Command, pending.Reason, pending.Actor));
        Assert.Equal(RolloutSaveStatus.Saved, first);
        Assert.Equal(RolloutSaveStatus.Stale, again);
        Assert.Empty(await Fleet.ListPendingRolloutCommandsAsync(Ct));
        var done = await Fleet.GetRolloutCommandAsync(id, Ct);
        Assert.Equal("""{"status":"applied"}""", done!.Outcome);
        Assert.NotNull(done.DoneAt);
        Assert.Equal(aborted.Generation, (await Store.ListRolloutsAsync("svc", Ct))[0].Generation);
    }

    [Fact]
    public async Task CompleteRolloutCommand_RefusedCommand_IsDoneOnceAndFenced()
    {
        var lease = await Fleet.TryTakeLeaseAsync("leader", null, Ct);
        var id = await Fleet.EnqueueRolloutCommandAsync("svc", "promote", null, "ops", Ct);

        await Assert.ThrowsAsync<FencedException>(() => Fleet.CompleteRolloutCommandAsync(id, "{}", new LeaderFence("someone", 9), Ct));
        Assert.True(await Fleet.CompleteRolloutCommandAsync(id, """{"refused":"no rollout"}""", lease!.Fence, Ct));
        Assert.False(await Fleet.CompleteRolloutCommandAsync(id, "{}", lease.Fence, Ct));
        Assert.Equal("""{"refused":"no rollout"}""", (await Fleet.GetRolloutCommandAsync(id, Ct))!.Outcome);
        Assert.Null(await Fleet.GetRolloutCommandAsync(id + 100, Ct));
    }

    [Fact]
    public async Task ReportReplica_WindowsRetriedLostAndRejoined_StoredOnceAndLostIsRefused()
    {
        var lease = await Fleet.TryTakeLeaseAsync("leader", null, Ct);
        var report = new ReplicaReport("r1", "http://127.0.0.1:1", "1.0", Start, Start, 0, 100, false, "{}");
        SignalWindowRow[] rows = [new("r1", "svc", 1, 98, [1, 2, 3]), new("r1", "svc", 2, 99, [4])];

        Assert.Equal(ReplicaReportStatus.Stored, await Fleet.ReportReplicaAsync(report, rows, rejoin: false, Ct));
        Assert.Equal(ReplicaReportStatus.Stored, await Fleet.ReportReplicaAsync(report with { At = Start.AddSeconds(1) }, rows, rejoin: false, Ct));
        var listed = Assert.Single(await Fleet.ListReplicasAsync(Ct));
        Assert.False(await Fleet.MarkReplicaLostAsync("r1", listed.Beats - 1, lease!.Fence, Ct));
        Assert.True(await Fleet.MarkReplicaLostAsync("r1", listed.Beats, lease.Fence, Ct));
        var lost = await Fleet.ReportReplicaAsync(report, [new("r1", "svc", 1, 100, [9])], rejoin: false, Ct);
        var lostRecord = Assert.Single(await Fleet.ListReplicasAsync(Ct));
        var rejoined = await Fleet.ReportReplicaAsync(report with { SignalsThrough = 120 }, [], rejoin: true, Ct);

        Assert.Equal(2, await CountAsync("signal_windows"));
        Assert.Equal(new byte[] { 1, 2, 3 }, (await Fleet.ReadSignalWindowsAsync("svc", 98, 99, Ct)).Single().Payload);
        Assert.Equal(2, (await Fleet.ReadSignalWindowsAsync("svc", 0, 1000, Ct)).Count);
        Assert.Equal(("http://127.0.0.1:1", 2L, 100L, ReplicaState.Live), (listed.Address, listed.Beats, listed.SignalsThrough, listed.State));
        Assert.Equal(ReplicaReportStatus.Lost, lost);
        Assert.Equal(ReplicaState.Lost, lostRecord.State);
        Assert.NotNull(lostRecord.LostAt);
        Assert.Equal(ReplicaReportStatus.Stored, rejoined);
        var back = Assert.Single(await Fleet.ListReplicasAsync(Ct));
        Assert.Equal((ReplicaState.Live, 120L, (DateTimeOffset?)null), (back.State, back.SignalsThrough, back.LostAt));
        await Assert.ThrowsAsync<ArgumentException>(() => Fleet.ReportReplicaAsync(report, [new("r2", "svc", 1, 1, [1])], rejoin: false, Ct));
    }

    [Fact]
    public async Task RoutingEpoch_GrowsWithEveryRoutingChange_AndAppliedNeverMovesBack()
    {
        var e0 = await Fleet.GetRoutingEpochAsync(Ct);
        await RegisterVersionsAsync("svc", 3);
        var e1 = await Fleet.GetRoutingEpochAsync(Ct);
        var set = await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 500), Admin, Ct);
        var unchanged = await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 500), Admin, Ct);
        await Store.SetAliasAsync(new VersionRef("svc", 3), "stable", Admin, Ct);
        var e3 = await Fleet.GetRoutingEpochAsync(Ct);
        await Store.SetAliasAsync(new VersionRef("svc", 2), "champion", Admin, Ct);
        await Fleet.ReportReplicaAsync(new ReplicaReport("r1", "a", "1", Start, Start, 0, 0, false, "{}"), [], rejoin: false, Ct);
        await Fleet.ReportRoutingAppliedAsync("r1", e3, Start.AddSeconds(1), Ct);
        await Fleet.ReportRoutingAppliedAsync("r1", e1, Start.AddSeconds(2), Ct);
        await Fleet.ReportReplicaAsync(new ReplicaReport("r1", "a", "1", Start, Start, e1, 0, false, "{}"), [], rejoin: false, Ct);

        Assert.Equal(e0 + 1, e1);
        Assert.Equal(e1 + 1, set.Epoch);
        Assert.Equal(0, unchanged.Epoch);
        Assert.Equal(set.Epoch + 1, e3);
        Assert.Equal(e3, await Fleet.GetRoutingEpochAsync(Ct));
        var replica = Assert.Single(await Fleet.ListReplicasAsync(Ct));
        Assert.Equal(e3, replica.RoutingEpoch);
        Assert.Equal(Core.Audit.AuditChain.Normalize(Start.AddSeconds(1)), replica.RoutingAppliedAt);
    }
    [Fact]
    public async Task SetRoutingState_WithARolloutSalt_KeepsItUntilTheRoutingDropsIt()
    {
        await RegisterVersionsAsync("svc", 2);

        await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 500, Salt: "r-0a1b2c3d"), Admin, Ct);
        var salted = await Store.GetRoutingStateAsync("svc", Ct);
        await Store.SetRoutingStateAsync(new RoutingState("svc", 1), Admin, Ct);

        Assert.Equal("r-0a1b2c3d", salted!.Salt);
        Assert.Null((await Store.GetRoutingStateAsync("svc", Ct))!.Salt);
        var audit = await Store.ListAuditAsync(new AuditQuery(Target: "svc"), Ct);
        Assert.Contains(audit, e => e.Action == "routing.set" && e.After!.Contains("\"salt\":\"r-0a1b2c3d\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReportReplica_UnitsOfOneKeyFromTwoReplicas_AreKeptOnce()
    {
        UnitRow Unit(string replica, long key, long second, bool candidate) => new("r-1", key, second, replica, "svc", candidate ? 2 : 1, candidate, 500, candidate ? 1 : 0, 12.5, null, 3);
        var a = new ReplicaReport("a", "x", "1", Start, Start, 0, 10, false, "{}");
        var b = a with { Id = "b" };

        await Fleet.ReportReplicaAsync(a, [], [Unit("a", 11, 5, true), Unit("a", 12, 6, false), Unit("a", -4, 6, false)], rejoin: false, Ct);
        await Fleet.ReportReplicaAsync(b, [], [Unit("b", 11, 7, true), Unit("b", 13, 7, false)], rejoin: false, Ct);
        await Fleet.ReportReplicaAsync(a, [], [Unit("a", 12, 6, false)], rejoin: false, Ct);

        var all = await Fleet.ReadUnitsAsync("r-1", 0, 100, Ct);
        Assert.Equal([-4L, 11L, 12L, 13L], all.Select(u => u.KeyHash).Order());
        var first = all.Single(u => u.KeyHash == 11);
        Assert.Equal(("a", 5L, true, 1, 12.5, (double?)null, 3), (first.Replica, first.Second, first.Candidate, first.Failures, first.MaxLatencyMs!.Value, first.MaxTtftMs, first.Requests));
        Assert.Equal([13L], (await Fleet.ReadUnitsAsync("r-1", 7, 8, Ct)).Select(u => u.KeyHash));
        Assert.Empty(await Fleet.ReadUnitsAsync("r-2", 0, 100, Ct));
        await Fleet.PruneAsync(6, Start.AddDays(-1), Ct);
        Assert.Equal(3, (await Fleet.ReadUnitsAsync("r-1", 0, 100, Ct)).Count);
        await Assert.ThrowsAsync<ArgumentException>(() => Fleet.ReportReplicaAsync(a, [], [Unit("b", 99, 1, true)], rejoin: false, Ct));
    }

    [Fact]
    public async Task ReportReplica_LaterUnitOfAKey_KeepsItsPriorWeight()
    {
        var a = new ReplicaReport("a", "x", "1", Start, Start, 0, 10, false, "{}");
        UnitRow first = new("r-1", 21, 5, "a", "svc", 1, false, 100, 0, 10, null, 2);
        var later = first with { KeyHash = 21 ^ (100L << 40), Second = 9, Version = 2, Candidate = true, WeightBps = 500, PriorBps = 100 };

        await Fleet.ReportReplicaAsync(a, [], [first, later], rejoin: false, Ct);

        var all = (await Fleet.ReadUnitsAsync("r-1", 0, 100, Ct)).OrderBy(u => u.Second).ToList();
        Assert.Equal([first, later], all);
    }

    [Fact]
    public async Task ReportReplica_EvaluationAndFeedbackUnits_KeepTheirKind_AndAreKeptOncePerKey()
    {
        var a = new ReplicaReport("a", "x", "1", Start, Start, 0, 10, false, "{}");
        UnitRow request = new("r-1", 31, 5, "a", "svc", 2, true, 500, 1, 10, null, 3);
        var evaluation = request with { KeyHash = 31 ^ 0x16, Second = 6, Failures = 8 | 2, MaxLatencyMs = null, Requests = 1, Kind = 1 };
        var feedback = request with { KeyHash = 31 ^ 0x4E, Second = 7, Failures = 32, MaxLatencyMs = null, Requests = 1, Kind = 2, PriorBps = 100 };

        await Fleet.ReportReplicaAsync(a, [], [request, evaluation, feedback], rejoin: false, Ct);
        await Fleet.ReportReplicaAsync(a with { Id = "b" }, [], [evaluation with { Replica = "b", Failures = 0 }], rejoin: false, Ct);

        var all = (await Fleet.ReadUnitsAsync("r-1", 0, 100, Ct)).OrderBy(u => u.Second).ToList();
        Assert.Equal([request, evaluation, feedback], all);
    }

    [Fact]
    public async Task ReportReplica_MoreUnitsThanOneStatementHolds_AllKeptOnceWithTheirValues()
    {
        UnitRow Unit(string replica, long key) => new("r-1", key, 10 + key % 3, replica, "svc", key % 2 == 0 ? 2 : 1, key % 2 == 0, 2500, (int)(key % 4), key, key % 5 == 0 ? null : key / 2.0, (int)(1 + key % 5));
        var a = new ReplicaReport("a", "x", "1", Start, Start, 0, 10, false, "{}");

        // 1,234 units span three multi-row statements; 300 keys of them come again from replica b and stay a's.
        await Fleet.ReportReplicaAsync(a, [], [.. Enumerable.Range(0, 1234).Select(k => Unit("a", k))], rejoin: false, Ct);
        await Fleet.ReportReplicaAsync(a with { Id = "b" }, [], [.. Enumerable.Range(1000, 300).Select(k => Unit("b", k))], rejoin: false, Ct);

        var all = await Fleet.ReadUnitsAsync("r-1", 0, 100, Ct);
        Assert.Equal(1300, all.Count);
        Assert.Equal(1234, all.Count(u => u.Replica == "a"));
        Assert.All(all, u => Assert.Equal(Unit(u.Replica, u.KeyHash), u));
    }

    [Fact]
    public async Task ReadRoutingSnapshot_HoldsTheEpochTheStatesAndEveryStable()
    {
        await RegisterVersionsAsync("svc", 2);
        await Store.RegisterAsync(Bundle("other", "o"), Admin, Ct);
        await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 500, Salt: "r-1"), Admin, Ct);

        var snapshot = await Store.ReadRoutingSnapshotAsync(Ct);

        Assert.Equal(await Fleet.GetRoutingEpochAsync(Ct), snapshot.Epoch);
        Assert.Equal([("svc", 2, "r-1")], snapshot.States.Select(s => (s.Deployment, s.CandidateVersion!.Value, s.Salt!)));
        Assert.Equal(new Dictionary<string, int> { ["svc"] = 1, ["other"] = 1 }, snapshot.Stables);
    }

    [Fact]
    public async Task Prune_DropsOldWindowsAndForgetsLongGoneReplicas()
    {
        await Fleet.ReportReplicaAsync(new ReplicaReport("old", "a", "1", Start, Start.AddDays(-3), 0, 0, false, "{}"), [new("old", "svc", 1, 10, [1])], rejoin: false, Ct);
        await Fleet.StopReplicaAsync("old", Ct);
        await Fleet.ReportReplicaAsync(new ReplicaReport("live", "a", "1", Start, Start.AddDays(-3), 0, 0, false, "{}"), [new("live", "svc", 1, 20, [1])], rejoin: false, Ct);

        var deleted = await Fleet.PruneAsync(15, Start.AddDays(-1), Ct);

        Assert.Equal(1, deleted);
        Assert.Equal(["live"], (await Fleet.ListReplicasAsync(Ct)).Select(r => r.Id));
        Assert.Equal(20, (await Fleet.ReadSignalWindowsAsync("svc", 0, 100, Ct)).Single().Second);
    }

    [Fact]
    public async Task StartRollout_Gated_KeepsTheDatasetBesideTheStateOnce()
    {
        await RegisterVersionsAsync("svc", 2);
        var rollout = NewRollout("r-1", "svc", 1, 2) with { GateDataset = "{\"id\":\"q\"}\n" };

        await Store.StartRolloutAsync(rollout, Admin, Ct);
        var started = RolloutDecider.Decide(rollout, new RolloutObservation(Start), Start).Next;
        await Store.SaveRolloutAsync(started, rollout.Generation, Admin, Ct);

        Assert.Equal("{\"id\":\"q\"}\n", await Store.GetGateDatasetAsync("r-1", Ct));
        Assert.Null((await Store.GetActiveRolloutAsync("svc", Ct))!.GateDataset);
        Assert.Null(await Store.GetGateDatasetAsync("r-unknown", Ct));
        Assert.Equal(0, await QueryLongAsync(Database, "SELECT count(*) FROM rollouts WHERE state_json LIKE '%gateDataset\":\"%'"));
    }

}
