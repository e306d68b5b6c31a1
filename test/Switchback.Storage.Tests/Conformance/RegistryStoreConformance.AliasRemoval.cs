using Switchback.Core.Audit;
using Switchback.Core.Bundles;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task RemoveAlias_Existing_RemovesAndRecordsHistoryAndAudit()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        await Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct);
        await Store.SetAliasAsync(new VersionRef("svc", 2), "candidate", new AuditContext("ops", "canary"), Ct);
        Time.Advance(TimeSpan.FromMinutes(1));

        var status = await Store.RemoveAliasAsync("svc", "candidate", new AuditContext("controller", "rolled back"), Ct);

        Assert.Equal(AliasRemoveStatus.Removed, status);
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 1 }, (await Store.GetDeploymentAsync("svc", Ct))!.Aliases);
        var history = await Store.GetAliasHistoryAsync("svc", Ct);
        Assert.Equal(new AliasEvent("svc", "candidate", 2, null, AuditChain.Normalize(Start.AddMinutes(1)), "controller", "rolled back") { Id = history[^1].Id }, history[^1]);
        Assert.True(history[^1].Id > history[^2].Id);
        var last = (await Store.ListAuditAsync(new AuditQuery(), Ct))[^1];
        Assert.Equal(("alias.remove", "svc@2", """{"alias":"candidate","version":2}""", (string?)null, "rolled back"), (last.Action, last.Target, last.Before, last.After, last.Reason));
        Assert.True((await Store.VerifyAuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task RemoveAlias_Stable_RefusedAndNothingChanges()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var audit = await CountAsync("audit_log");

        var status = await Store.RemoveAliasAsync("svc", "stable", Admin, Ct);

        Assert.Equal(AliasRemoveStatus.IsStable, status);
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 1 }, (await Store.GetDeploymentAsync("svc", Ct))!.Aliases);
        Assert.Single(await Store.GetAliasHistoryAsync("svc", Ct));
        Assert.Equal(audit, await CountAsync("audit_log"));
    }

    [Fact]
    public async Task RemoveAlias_Absent_AbsentAndNotAudited()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var audit = await CountAsync("audit_log");

        Assert.Equal(AliasRemoveStatus.Absent, await Store.RemoveAliasAsync("svc", "candidate", Admin, Ct));
        Assert.Equal(AliasRemoveStatus.Absent, await Store.RemoveAliasAsync("nope", "candidate", Admin, Ct));
        Assert.Equal(audit, await CountAsync("audit_log"));
    }

    [Fact]
    public async Task RemoveAlias_MalformedName_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RemoveAliasAsync("svc", "bad alias!", Admin, Ct));
    }

    [Fact]
    public async Task RemoveAlias_ThenSetAgain_HistoryKeepsBothMoves()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        await Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct);
        await Store.SetAliasAsync(new VersionRef("svc", 2), "candidate", Admin, Ct);
        await Store.RemoveAliasAsync("svc", "candidate", Admin, Ct);

        var again = await Store.SetAliasAsync(new VersionRef("svc", 2), "candidate", Admin, Ct);

        Assert.Equal(new AliasOutcome(AliasStatus.Moved, null), again);
        Assert.Equal(
            [("candidate", (int?)null, (int?)2), ("candidate", 2, null), ("candidate", null, 2)],
            (await Store.GetAliasHistoryAsync("svc", Ct)).Where(e => e.Alias == "candidate").Select(e => (e.Alias, e.FromVersion, e.ToVersion)));
    }
}
