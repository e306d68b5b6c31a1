namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    private const string MonitorSpec = """{"kind":"Monitor","deployment":"svc","signals":["error_rate"]}""";

    [Fact]
    public async Task ApplyMonitor_NewThenSameThenChanged_CreatedUnchangedUpdatedAndAudited()
    {
        await RegisterVersionsAsync("svc", 1);

        var created = await Store.ApplyMonitorAsync("svc", MonitorSpec, Admin, Ct);
        var same = await Store.ApplyMonitorAsync("svc", MonitorSpec, Admin, Ct);
        Assert.True(await Store.SaveMonitorStateAsync("svc", 1, """{"v":1}""", 100, Ct));
        var changed = await Store.ApplyMonitorAsync("svc", MonitorSpec.Replace("error_rate", "timeout_rate", StringComparison.Ordinal), new AuditContext("ops", "wider"), Ct);

        Assert.Equal((MonitorApplyStatus.Created, MonitorApplyStatus.Unchanged, MonitorApplyStatus.Updated), (created, same, changed));
        var stored = Assert.Single(await Store.ListMonitorsAsync(Ct));
        Assert.Equal(("svc", 2L, "ops", (string?)null, (long?)null), (stored.Deployment, stored.Generation, stored.AppliedBy, stored.StateJson, stored.StateThrough));
        Assert.Contains("timeout_rate", stored.SpecJson, StringComparison.Ordinal);
        var audit = (await Store.ListAuditAsync(new AuditQuery(), Ct)).Where(e => e.Action == "monitor.apply").ToList();
        Assert.Equal(2, audit.Count);
        Assert.Equal((null, MonitorSpec), (audit[0].Before, audit[0].After));
        Assert.Equal(("ops", "wider"), (audit[1].Actor, audit[1].Reason));
        Assert.True((await Store.VerifyAuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task ApplyMonitor_UnknownDeploymentOrNotAnObject_NothingStored()
    {
        await RegisterVersionsAsync("svc", 1);

        Assert.Equal(MonitorApplyStatus.UnknownDeployment, await Store.ApplyMonitorAsync("ghost", MonitorSpec, Admin, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ApplyMonitorAsync("svc", "[1]", Admin, Ct));
        Assert.Empty(await Store.ListMonitorsAsync(Ct));
        Assert.Null(await Store.GetMonitorAsync("svc", Ct));
    }

    [Fact]
    public async Task SaveMonitorState_OnlyMovesForwardAndOnlyForItsGeneration()
    {
        await RegisterVersionsAsync("svc", 1);
        await Store.ApplyMonitorAsync("svc", MonitorSpec, Admin, Ct);

        Assert.True(await Store.SaveMonitorStateAsync("svc", 1, """{"n":2}""", 200, Ct));
        Assert.False(await Store.SaveMonitorStateAsync("svc", 1, """{"n":1}""", 100, Ct));
        Assert.False(await Store.SaveMonitorStateAsync("svc", 1, """{"n":3}""", 200, Ct));
        Assert.False(await Store.SaveMonitorStateAsync("svc", 2, """{"n":4}""", 300, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveMonitorStateAsync("svc", 1, "nope", 400, Ct));

        var stored = await Store.GetMonitorAsync("svc", Ct);
        Assert.Equal(("""{"n":2}""", (long?)200), (stored!.StateJson, stored.StateThrough));
    }
}
