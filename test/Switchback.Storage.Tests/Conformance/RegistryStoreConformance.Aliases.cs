using Switchback.Core.Audit;
using Switchback.Core.Bundles;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task SetAlias_Moves_RecordsHistoryAndAudit()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        await Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct);
        await Store.RegisterAsync(Bundle("svc", "c"), Admin, Ct);
        Time.Advance(TimeSpan.FromMinutes(1));

        var candidate = await Store.SetAliasAsync(new VersionRef("svc", 3), "candidate", new AuditContext("ops", "canary"), Ct);
        var promoted = await Store.SetAliasAsync(new VersionRef("svc", 3), "stable", new AuditContext("ops", "promote"), Ct);
        var back = await Store.SetAliasAsync(new VersionRef("svc", 2), "stable", new AuditContext("ops", "rollback"), Ct);

        Assert.Equal(new AliasOutcome(AliasStatus.Moved, null), candidate);
        Assert.Equal(new AliasOutcome(AliasStatus.Moved, 1), promoted);
        Assert.Equal(new AliasOutcome(AliasStatus.Moved, 3), back);
        var aliases = (await Store.GetDeploymentAsync("svc", Ct))!.Aliases;
        Assert.Equal(new Dictionary<string, int> { ["candidate"] = 3, ["stable"] = 2 }, aliases);
        var history = await Store.GetAliasHistoryAsync("svc", Ct);
        Assert.Equal(
            [("stable", (int?)null, 1, "admin"), ("candidate", null, 3, "ops"), ("stable", 1, 3, "ops"), ("stable", 3, 2, "ops")],
            history.Select(e => (e.Alias, e.FromVersion, e.ToVersion, e.Actor)));
        Assert.Equal("rollback", history[^1].Reason);
        Assert.Equal(AuditChain.Normalize(Start.AddMinutes(1)), history[^1].Time);
        var last = (await Store.ListAuditAsync(new AuditQuery(), Ct))[^1];
        Assert.Equal(("alias.set", "svc@2", """{"alias":"stable","version":3}""", """{"alias":"stable","version":2}""", "rollback"), (last.Action, last.Target, last.Before, last.After, last.Reason));
    }

    [Fact]
    public async Task SetAlias_SameVersion_UnchangedAndNotAudited()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var auditBefore = await CountAsync("audit_log");

        var outcome = await Store.SetAliasAsync(new VersionRef("svc", 1), "stable", Admin, Ct);

        Assert.Equal(new AliasOutcome(AliasStatus.Unchanged, 1), outcome);
        Assert.Equal(auditBefore, await CountAsync("audit_log"));
        Assert.Single(await Store.GetAliasHistoryAsync("svc", Ct));
    }

    [Fact]
    public async Task SetAlias_MissingOrArchivedVersion_IsRefused()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        await Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct);
        await Store.ArchiveAsync(new VersionRef("svc", 2), Admin, Ct);
        var auditBefore = await CountAsync("audit_log");

        Assert.Equal(new AliasOutcome(AliasStatus.NotFound, null), await Store.SetAliasAsync(new VersionRef("svc", 5), "candidate", Admin, Ct));
        Assert.Equal(new AliasOutcome(AliasStatus.NotFound, null), await Store.SetAliasAsync(new VersionRef("nothing", 1), "stable", Admin, Ct));
        Assert.Equal(new AliasOutcome(AliasStatus.Archived, 1), await Store.SetAliasAsync(new VersionRef("svc", 2), "stable", Admin, Ct));

        Assert.Equal(auditBefore, await CountAsync("audit_log"));
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 1 }, (await Store.GetDeploymentAsync("svc", Ct))!.Aliases);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Champion")]
    [InlineData("_x")]
    [InlineData("a/b")]
    public async Task SetAlias_InvalidAliasName_Throws(string alias)
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.SetAliasAsync(new VersionRef("svc", 1), alias, Admin, Ct));

        Assert.Contains("invalid alias name", error.Message);
        Assert.Single(await Store.GetAliasHistoryAsync("svc", Ct));
    }

    [Fact]
    public async Task SetAlias_UserAlias_IsAnOrdinaryAlias()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);

        var outcome = await Store.SetAliasAsync(new VersionRef("svc", 1), "champion", Admin, Ct);

        Assert.Equal(AliasStatus.Moved, outcome.Status);
        Assert.Equal(1, (await Store.GetDeploymentAsync("svc", Ct))!.Aliases["champion"]);
    }
}
