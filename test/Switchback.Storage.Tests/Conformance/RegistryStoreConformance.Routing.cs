using Switchback.Core.Bundles;
using Switchback.Core.Routing;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task GetRoutingState_NeverSet_ReturnsNull()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);

        Assert.Null(await Store.GetRoutingStateAsync("svc", Ct));
        Assert.Null(await Store.GetRoutingStateAsync("nothing", Ct));
        Assert.Empty(await Store.ListRoutingStatesAsync(Ct));
    }

    [Fact]
    public async Task SetRoutingState_New_StoresGenerationOneAndAudits()
    {
        await RegisterVersionsAsync("svc", 3);

        var outcome = await Store.SetRoutingStateAsync(
            new RoutingState("svc", 1, 2, 2_000, 3, 500, StickySource.User, Generation: 99),
            new AuditContext("ops", "canary 20 %"),
            Ct);

        var expected = new RoutingState("svc", 1, 2, 2_000, 3, 500, StickySource.User, Generation: 1);
        Assert.Equal(new RoutingSetOutcome(RoutingSetStatus.Set, expected) { Epoch = outcome.Epoch }, outcome);
        Assert.Equal(await ((Fleet.IFleetStore)Store).GetRoutingEpochAsync(Ct), outcome.Epoch);
        Assert.Equal(expected, await Store.GetRoutingStateAsync("svc", Ct));
        Assert.Equal([expected], await Store.ListRoutingStatesAsync(Ct));
        var last = (await Store.ListAuditAsync(new AuditQuery(), Ct))[^1];
        Assert.Equal(
            ("routing.set", "svc", (string?)null, "canary 20 %", "ops"),
            (last.Action, last.Target, last.Before, last.Reason, last.Actor));
        Assert.Equal(
            """{"stable":1,"candidate":2,"candidate_weight_bps":2000,"shadow":3,"shadow_sample_bps":500,"sticky":"user","generation":1}""",
            last.After);
        Assert.True((await Store.VerifyAuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task SetRoutingState_Change_IncrementsGenerationAndRecordsBefore()
    {
        await RegisterVersionsAsync("svc", 2);
        await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 100), Admin, Ct);

        var outcome = await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 5_000), Admin, Ct);

        Assert.Equal(RoutingSetStatus.Set, outcome.Status);
        Assert.Equal(2, outcome.State!.Generation);
        Assert.Equal(5_000, (await Store.GetRoutingStateAsync("svc", Ct))!.CandidateWeightBps);
        var last = (await Store.ListAuditAsync(new AuditQuery(Target: "svc"), Ct))[^1];
        Assert.Contains("\"candidate_weight_bps\":100,", last.Before, StringComparison.Ordinal);
        Assert.Contains("\"candidate_weight_bps\":5000,", last.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetRoutingState_SameState_UnchangedAndNotAudited()
    {
        await RegisterVersionsAsync("svc", 2);
        await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 100), Admin, Ct);
        var auditBefore = await CountAsync("audit_log");

        var outcome = await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 100, Generation: 7), Admin, Ct);

        Assert.Equal(RoutingSetStatus.Unchanged, outcome.Status);
        Assert.Equal(1, outcome.State!.Generation);
        Assert.Equal(auditBefore, await CountAsync("audit_log"));
    }

    [Fact]
    public async Task SetRoutingState_MissingOrArchivedVersion_IsRefusedAndWritesNothing()
    {
        await RegisterVersionsAsync("svc", 3);
        await Store.ArchiveAsync(new VersionRef("svc", 3), Admin, Ct);
        var auditBefore = await CountAsync("audit_log");

        var missing = await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 9, 100), Admin, Ct);
        var archived = await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 3, 100), Admin, Ct);
        var archivedShadow = await Store.SetRoutingStateAsync(new RoutingState("svc", 1, ShadowVersion: 3, ShadowSampleBps: 10), Admin, Ct);
        var noDeployment = await Store.SetRoutingStateAsync(new RoutingState("nothing", 1), Admin, Ct);

        Assert.Equal(new RoutingSetOutcome(RoutingSetStatus.NotFound, null, 9), missing);
        Assert.Equal(new RoutingSetOutcome(RoutingSetStatus.Archived, null, 3), archived);
        Assert.Equal(new RoutingSetOutcome(RoutingSetStatus.Archived, null, 3), archivedShadow);
        Assert.Equal(new RoutingSetOutcome(RoutingSetStatus.NotFound, null, 1), noDeployment);
        Assert.Equal(auditBefore, await CountAsync("audit_log"));
        Assert.Equal(0, await CountAsync("routing_state"));
    }

    [Fact]
    public async Task SetRoutingState_InvalidState_ThrowsNamingTheProblem()
    {
        await RegisterVersionsAsync("svc", 2);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.SetRoutingStateAsync(new RoutingState("svc", 1, null, 100), Admin, Ct));

        Assert.Contains("no candidate version", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetRoutingStateAsync(new RoutingState("svc", 1), new AuditContext(" "), Ct));
        Assert.Equal(0, await CountAsync("routing_state"));
    }

    [Fact]
    public async Task SetRoutingState_SeenByAnotherStoreInstance()
    {
        await RegisterVersionsAsync("svc", 2);
        await RegisterVersionsAsync("web", 1);
        var other = Open(Database);

        await Store.SetRoutingStateAsync(new RoutingState("web", 1, StickySource: StickySource.Random), Admin, Ct);
        await Store.SetRoutingStateAsync(new RoutingState("svc", 2, 1, 10_000), Admin, Ct);

        Assert.Equal(["svc", "web"], (await other.ListRoutingStatesAsync(Ct)).Select(s => s.Deployment));
        Assert.Equal(StickySource.Random, (await other.GetRoutingStateAsync("web", Ct))!.StickySource);
    }

    private async Task RegisterVersionsAsync(string deployment, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await Store.RegisterAsync(Bundle(deployment, $"v{i}"), Admin, Ct);
        }
    }
}
