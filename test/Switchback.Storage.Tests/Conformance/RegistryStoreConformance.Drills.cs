using System.Text.Json.Nodes;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task RecordDrill_New_StoresItAndAuditsDrillRun()
    {
        await RegisterVersionsAsync("svc", 2);
        // The store keeps times to the millisecond, as it does for the audit log.
        var drill = new StoredDrill("d-1", "svc", false, "passed", Core.Audit.AuditChain.Normalize(Time.GetUtcNow()), "ops", "quarterly", """{"id":"d-1","steps":[]}""");

        var recorded = await Store.RecordDrillAsync(drill, Ct);

        Assert.True(recorded);
        Assert.Equal([drill], await Store.ListDrillsAsync("svc", 10, Ct));
        var last = (await Store.ListAuditAsync(new AuditQuery(), Ct))[^1];
        Assert.Equal(("drill.run", "svc", "ops", "quarterly"), (last.Action, last.Target, last.Actor, last.Reason));
        Assert.Equal("d-1", JsonNode.Parse(last.After!)!["id"]!.GetValue<string>());
        Assert.True((await Store.VerifyAuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task ListDrills_Several_NewestFirstWithinLimit()
    {
        await RegisterVersionsAsync("svc", 1);
        for (var i = 1; i <= 3; i++)
        {
            await Store.RecordDrillAsync(new StoredDrill($"d-{i}", "svc", true, "passed", Time.GetUtcNow(), "ops", "r", "{}"), Ct);
            Time.Advance(TimeSpan.FromMinutes(1));
        }

        var listed = await Store.ListDrillsAsync("svc", 2, Ct);

        Assert.Equal(["d-3", "d-2"], listed.Select(d => d.Id));
        Assert.Empty(await Store.ListDrillsAsync("other", 5, Ct));
    }

    [Fact]
    public async Task RecordDrill_UnknownDeploymentOrMalformedResult_NothingStored()
    {
        await RegisterVersionsAsync("svc", 1);
        var auditBefore = await CountAsync("audit_log");

        var unknown = await Store.RecordDrillAsync(new StoredDrill("d-1", "ghost", true, "passed", Time.GetUtcNow(), "ops", "r", "{}"), Ct);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordDrillAsync(new StoredDrill("d-2", "svc", true, "passed", Time.GetUtcNow(), "ops", "r", "[1,"), Ct));

        Assert.False(unknown);
        Assert.Equal(0, await CountAsync("drills"));
        Assert.Equal(auditBefore, await CountAsync("audit_log"));
    }
}
