using Switchback.Core.Bundles;
using Switchback.Core.Routing;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task SetRoutingState_NewStable_MovesStableAliasInSameChange()
    {
        await RegisterVersionsAsync("svc", 3);
        await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 500), Admin, Ct);

        var outcome = await Store.SetRoutingStateAsync(new RoutingState("svc", 2), new AuditContext("ops", "promote"), Ct);

        Assert.Equal(RoutingSetStatus.Set, outcome.Status);
        Assert.Equal(2, (await Store.GetDeploymentAsync("svc", Ct))!.Aliases["stable"]);
        var history = await Store.GetAliasHistoryAsync("svc", Ct);
        Assert.Equal(("stable", (int?)1, 2, "ops", "promote"), (history[^1].Alias, history[^1].FromVersion, history[^1].ToVersion, history[^1].Actor, history[^1].Reason));
        Assert.Equal(["routing.set", "alias.set"], (await AuditActionsAsync()).TakeLast(2));
        Assert.True((await Store.VerifyAuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task SetRoutingState_SameStable_LeavesAliasAlone()
    {
        await RegisterVersionsAsync("svc", 2);
        var eventsBefore = await CountAsync("alias_events");

        await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 500), Admin, Ct);

        Assert.Equal(eventsBefore, await CountAsync("alias_events"));
        Assert.Equal(["routing.set"], (await AuditActionsAsync()).TakeLast(1));
    }

    [Fact]
    public async Task SetRoutingState_FirstRowWithOtherStable_MovesAlias()
    {
        await RegisterVersionsAsync("svc", 2);

        await Store.SetRoutingStateAsync(new RoutingState("svc", 2), Admin, Ct);

        Assert.Equal(2, (await Store.GetDeploymentAsync("svc", Ct))!.Aliases["stable"]);
    }

    [Fact]
    public async Task SetRoutingState_Refused_MovesNeitherRowNorAlias()
    {
        await RegisterVersionsAsync("svc", 2);
        await Store.ArchiveAsync(new VersionRef("svc", 2), Admin, Ct);
        var eventsBefore = await CountAsync("alias_events");

        var outcome = await Store.SetRoutingStateAsync(new RoutingState("svc", 2), Admin, Ct);

        Assert.Equal(RoutingSetStatus.Archived, outcome.Status);
        Assert.Equal(1, (await Store.GetDeploymentAsync("svc", Ct))!.Aliases["stable"]);
        Assert.Equal(eventsBefore, await CountAsync("alias_events"));
    }

    [Fact]
    public async Task SetStableAlias_WithRoutingRow_UpdatesRowAndClearsEqualCandidate()
    {
        await RegisterVersionsAsync("svc", 3);
        await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 2_500, 3, 1_000, StickySource.User), Admin, Ct);

        var outcome = await Store.SetAliasAsync(new VersionRef("svc", 2), "stable", new AuditContext("ops", "rollback"), Ct);

        Assert.Equal(new AliasOutcome(AliasStatus.Moved, 1), outcome);
        Assert.Equal(
            new RoutingState("svc", 2, null, 0, 3, 1_000, StickySource.User, Generation: 2),
            await Store.GetRoutingStateAsync("svc", Ct));
        Assert.Equal(["alias.set", "routing.set"], (await AuditActionsAsync()).TakeLast(2));
        var last = (await Store.ListAuditAsync(new AuditQuery(), Ct))[^1];
        Assert.Equal(("ops", "rollback"), (last.Actor, last.Reason));
        Assert.True((await Store.VerifyAuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task SetStableAlias_ToShadowVersion_ClearsShadowKeepsCandidate()
    {
        await RegisterVersionsAsync("svc", 3);
        await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 100, 3, 500), Admin, Ct);

        await Store.SetAliasAsync(new VersionRef("svc", 3), "stable", Admin, Ct);

        Assert.Equal(new RoutingState("svc", 3, 2, 100, Generation: 2), await Store.GetRoutingStateAsync("svc", Ct));
    }

    [Fact]
    public async Task SetStableAlias_NoRoutingRow_CreatesNone()
    {
        await RegisterVersionsAsync("svc", 2);

        await Store.SetAliasAsync(new VersionRef("svc", 2), "stable", Admin, Ct);

        Assert.Null(await Store.GetRoutingStateAsync("svc", Ct));
        Assert.Equal(0, await CountAsync("routing_state"));
    }

    [Fact]
    public async Task SetOtherAlias_WithRoutingRow_LeavesRowAlone()
    {
        await RegisterVersionsAsync("svc", 2);
        await Store.SetRoutingStateAsync(new RoutingState("svc", 1, 2, 100), Admin, Ct);

        await Store.SetAliasAsync(new VersionRef("svc", 2), "champion", Admin, Ct);

        Assert.Equal(new RoutingState("svc", 1, 2, 100, Generation: 1), await Store.GetRoutingStateAsync("svc", Ct));
    }
}
