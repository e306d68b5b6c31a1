using System.Text.Json.Nodes;
using Switchback.Core.Manifests;
using Switchback.Core.Rollouts;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task StartRollout_New_StoresActiveRolloutAndAudits()
    {
        await RegisterVersionsAsync("svc", 2);
        var rollout = NewRollout("r-1", "svc", 1, 2);

        var outcome = await Store.StartRolloutAsync(rollout, new AuditContext("ops", "canary"), Ct);

        Assert.Equal(RolloutStartStatus.Started, outcome.Status);
        var active = await Store.GetActiveRolloutAsync("svc", Ct);
        Assert.NotNull(active);
        Assert.Equal(RolloutJson.Serialize(rollout), RolloutJson.Serialize(active));
        Assert.Equal(["r-1"], (await Store.ListActiveRolloutsAsync(Ct)).Select(r => r.Id));
        var last = (await Store.ListAuditAsync(new AuditQuery(), Ct))[^1];
        Assert.Equal(("rollout.start", "svc", "ops", "canary"), (last.Action, last.Target, last.Actor, last.Reason));
        Assert.Equal("r-1", JsonNode.Parse(last.After!)!["id"]!.GetValue<string>());
        Assert.True((await Store.VerifyAuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task StartRollout_SecondWhileActive_RefusedAndReturnsActive()
    {
        await RegisterVersionsAsync("svc", 3);
        await Store.StartRolloutAsync(NewRollout("r-1", "svc", 1, 2), Admin, Ct);
        var auditBefore = await CountAsync("audit_log");

        var outcome = await Store.StartRolloutAsync(NewRollout("r-2", "svc", 1, 3), Admin, Ct);

        Assert.Equal(RolloutStartStatus.ActiveExists, outcome.Status);
        Assert.Equal("r-1", outcome.Rollout!.Id);
        Assert.Equal(1, await CountAsync("rollouts"));
        Assert.Equal(auditBefore, await CountAsync("audit_log"));
    }

    [Fact]
    public async Task StartRollout_UnknownOrArchivedCandidate_Refused()
    {
        await RegisterVersionsAsync("svc", 2);
        await Store.ArchiveAsync(new Core.Bundles.VersionRef("svc", 2), Admin, Ct);

        var missing = await Store.StartRolloutAsync(NewRollout("r-1", "svc", 1, 7), Admin, Ct);
        var archived = await Store.StartRolloutAsync(NewRollout("r-2", "svc", 1, 2), Admin, Ct);

        Assert.Equal(new RolloutStartOutcome(RolloutStartStatus.NotFound, null, 7), missing);
        Assert.Equal(new RolloutStartOutcome(RolloutStartStatus.Archived, null, 2), archived);
        Assert.Equal(0, await CountAsync("rollouts"));
    }

    [Fact]
    public async Task SaveRollout_Decision_StoresStateAndAuditsDecisionWithEvidence()
    {
        await RegisterVersionsAsync("svc", 2);
        var rollout = NewRollout("r-1", "svc", 1, 2);
        await Store.StartRolloutAsync(rollout, Admin, Ct);
        var started = RolloutDecider.Decide(rollout, new RolloutObservation(Start), Start).Next;

        Assert.Equal(RolloutSaveStatus.Saved, await Store.SaveRolloutAsync(started, rollout.Generation, Admin, Ct));
        var observation = new RolloutObservation(Start.AddSeconds(1))
        {
            CandidateRequests = 10,
            Absolute = System.Collections.Immutable.ImmutableDictionary<string, SignalCount>.Empty.Add("upstream_oom", new SignalCount(1, 10)),
        };
        var rolledBack = RolloutDecider.Decide(started, observation, Start.AddSeconds(1)).Next;
        Assert.Equal(RolloutSaveStatus.Saved, await Store.SaveRolloutAsync(rolledBack, started.Generation, new AuditContext("controller"), Ct));

        Assert.Null(await Store.GetActiveRolloutAsync("svc", Ct));
        Assert.Empty(await Store.ListActiveRolloutsAsync(Ct));
        var listed = Assert.Single(await Store.ListRolloutsAsync("svc", Ct));
        Assert.Equal(RolloutPhase.RolledBack, listed.Phase);
        var last = (await Store.ListAuditAsync(new AuditQuery(), Ct))[^1];
        Assert.Equal("rollout.rolled_back", last.Action);
        var after = JsonNode.Parse(last.After!)!;
        Assert.Equal("rolled_back", after["phase"]!.GetValue<string>());
        Assert.Equal("upstream_oom:max", after["evidence"]![0]!["guardrail"]!.GetValue<string>());
        Assert.Equal(1, after["evidence"]![0]!["events"]!.GetValue<long>());
    }

    [Fact]
    public async Task SaveRollout_StaleGeneration_RefusedAndNothingWritten()
    {
        await RegisterVersionsAsync("svc", 2);
        var rollout = NewRollout("r-1", "svc", 1, 2);
        await Store.StartRolloutAsync(rollout, Admin, Ct);
        var first = RolloutDecider.Decide(rollout, new RolloutObservation(Start), Start).Next;
        await Store.SaveRolloutAsync(first, 0, Admin, Ct);
        var audit = await CountAsync("audit_log");

        var late = RolloutDecider.Apply(rollout, new AbortCommand("late writer"), Start).Decision!.Next;
        var status = await Store.SaveRolloutAsync(late, 0, Admin, Ct);

        Assert.Equal(RolloutSaveStatus.Stale, status);
        Assert.Equal(RolloutPhase.Progressing, (await Store.GetActiveRolloutAsync("svc", Ct))!.Phase);
        Assert.Equal(audit, await CountAsync("audit_log"));
        Assert.Equal(RolloutSaveStatus.NotFound, await Store.SaveRolloutAsync(late with { Id = "r-404" }, 0, Admin, Ct));
    }

    [Fact]
    public async Task StartRollout_AfterPreviousFinished_Allowed()
    {
        await RegisterVersionsAsync("svc", 3);
        var first = NewRollout("r-1", "svc", 1, 2);
        await Store.StartRolloutAsync(first, Admin, Ct);
        await Store.SaveRolloutAsync(RolloutDecider.Apply(first, new AbortCommand("wrong version"), Start).Decision!.Next, 0, Admin, Ct);

        var second = await Store.StartRolloutAsync(NewRollout("r-2", "svc", 1, 3), Admin, Ct);

        Assert.Equal(RolloutStartStatus.Started, second.Status);
        Assert.Equal(["r-2", "r-1"], (await Store.ListRolloutsAsync("svc", Ct)).Select(r => r.Id));
        Assert.Equal("rollout.aborted", (await AuditActionsAsync())[^2]);
    }

    [Fact]
    public async Task StartRollout_ConcurrentStarts_ExactlyOneWins()
    {
        await RegisterVersionsAsync("svc", 2);
        var stores = Enumerable.Range(0, 8).Select(_ => Open(Database)).ToList();

        var outcomes = await Task.WhenAll(stores.Select((s, i) => s.StartRolloutAsync(NewRollout($"r-{i}", "svc", 1, 2), Admin, Ct)));

        Assert.Single(outcomes, o => o.Status == RolloutStartStatus.Started);
        Assert.Equal(7, outcomes.Count(o => o.Status == RolloutStartStatus.ActiveExists));
        Assert.Equal(1, await CountAsync("rollouts"));
    }

    [Fact]
    public async Task RolloutsTable_SecondActiveRowThroughSql_RejectedByUniqueIndex()
    {
        await RegisterVersionsAsync("svc", 2);
        await Store.StartRolloutAsync(NewRollout("r-1", "svc", 1, 2), Admin, Ct);

        await Assert.ThrowsAnyAsync<Exception>(() => ExecuteSqlAsync(Database,
            "INSERT INTO rollouts (id, deployment, candidate, phase, active, state_json, generation, created_at, updated_at) " +
            "SELECT 'r-x', deployment, candidate, phase, active, state_json, generation, created_at, updated_at FROM rollouts WHERE id = 'r-1'"));
    }

    private static RolloutState NewRollout(string id, string deployment, int stable, int candidate)
    {
        var text = $"""
            kind: Rollout
            deployment: {deployment}
            steps:
              - canary: {"{"} weight: 10, duration: 1m, min_requests: 5 {"}"}
              - canary: {"{"} weight: 100 {"}"}
            guardrails:
              - {"{"} signal: error_rate, compare: baseline, severity: hard {"}"}
              - {"{"} signal: upstream_oom, max: 0, severity: hard {"}"}
            """;
        var read = ManifestReader.Read(text, "rollout.yaml");
        Assert.True(read.IsValid, string.Join("\n", read.Errors));
        var spec = RolloutSpec.Parse((RolloutManifest)read.Documents[0], "rollout.yaml");
        Assert.True(spec.IsValid, string.Join("\n", spec.Errors));
        return RolloutState.Create(id, spec.Spec!, stable, candidate, Start);
    }
}
