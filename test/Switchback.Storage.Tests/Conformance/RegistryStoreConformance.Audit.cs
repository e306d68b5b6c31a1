using Switchback.Core.Access;
using Switchback.Core.Audit;
using Switchback.Core.Bundles;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task VerifyAudit_EmptyLog_IsOk()
    {
        Assert.Equal(new AuditVerifyResult(true, 0, null, null), await Store.VerifyAuditAsync(Ct));
    }

    [Fact]
    public async Task VerifyAudit_AfterManyOperations_ChainIsContiguousAndVerifies()
    {
        var count = await MakeHistoryAsync();

        var result = await Store.VerifyAuditAsync(Ct);
        var entries = await Store.ListAuditAsync(new AuditQuery(), Ct);

        Assert.Equal(new AuditVerifyResult(true, count, null, null), result);
        Assert.Equal(Enumerable.Range(1, (int)count).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.Equal(AuditChain.GenesisHash, entries[0].PreviousHash);
        Assert.All(entries, e => Assert.Equal(AuditChain.ComputeHash(e), e.Hash));
        Assert.All(entries, e => Assert.Equal(TimeSpan.Zero, e.Time.Offset));
    }

    [Fact]
    public async Task ListAudit_Filters_ByTargetPrefixSequenceAndLimit()
    {
        await MakeHistoryAsync();

        var svc = await Store.ListAuditAsync(new AuditQuery(Target: "svc"), Ct);
        var keys = await Store.ListAuditAsync(new AuditQuery(TargetPrefix: "key:"), Ct);
        var after = await Store.ListAuditAsync(new AuditQuery(AfterSequence: 3, Limit: 2), Ct);

        Assert.NotEmpty(svc);
        Assert.All(svc, e => Assert.True(e.Target == "svc" || e.Target.StartsWith("svc@", StringComparison.Ordinal), e.Target));
        Assert.Contains(svc, e => e.Action == "deployment.create");
        Assert.DoesNotContain(svc, e => e.Target.StartsWith("svc_2", StringComparison.Ordinal));
        Assert.Equal(["key.create", "key.revoke"], keys.Select(e => e.Action));
        Assert.Equal([4L, 5L], after.Select(e => e.Sequence));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListAuditAsync(new AuditQuery(Limit: 0), Ct));
    }

    [Fact]
    public async Task VerifyAudit_RowContentUpdatedThroughSql_NamesThatEntry()
    {
        await MakeHistoryAsync();

        await ExecuteSqlAsync(Database, """UPDATE audit_log SET after_state = '{"version":99}' WHERE seq = 4""");

        var result = await Store.VerifyAuditAsync(Ct);
        Assert.False(result.Ok);
        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Contains("modified", result.Problem);
    }

    [Fact]
    public async Task VerifyAudit_ActorUpdatedThroughSql_NamesThatEntry()
    {
        await MakeHistoryAsync();

        await ExecuteSqlAsync(Database, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2");

        var result = await Store.VerifyAuditAsync(Ct);
        Assert.False(result.Ok);
        Assert.Equal(2, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task VerifyAudit_MiddleRowDeletedThroughSql_NamesTheMissingEntry()
    {
        await MakeHistoryAsync();

        await ExecuteSqlAsync(Database, "DELETE FROM audit_log WHERE seq = 5");

        var result = await Store.VerifyAuditAsync(Ct);
        Assert.False(result.Ok);
        Assert.Equal(5, result.FirstBrokenSequence);
        Assert.Contains("missing", result.Problem);
    }

    [Fact]
    public async Task VerifyAudit_LastRowDeletedThroughSql_NamesTheLastEntry()
    {
        var count = await MakeHistoryAsync();

        await ExecuteSqlAsync(Database, $"DELETE FROM audit_log WHERE seq = {count}");

        var result = await Store.VerifyAuditAsync(Ct);
        Assert.False(result.Ok);
        Assert.Equal(count, result.FirstBrokenSequence);
        Assert.Equal(count - 1, result.EntriesChecked);
    }

    [Fact]
    public async Task VerifyAudit_AppendAfterTampering_StillReportsTheBreak()
    {
        await MakeHistoryAsync();
        await ExecuteSqlAsync(Database, "DELETE FROM audit_log WHERE seq = 3");

        await Store.RegisterAsync(Bundle("svc", "late"), Admin, Ct);

        Assert.Equal(3, (await Store.VerifyAuditAsync(Ct)).FirstBrokenSequence);
    }

    /// <summary>Two deployments, aliases, an archive and a key; returns the number of audit entries written.</summary>
    private async Task<long> MakeHistoryAsync()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        for (var i = 0; i < 4; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1500));
            await Store.RegisterAsync(Bundle("svc", $"n{i}"), new AuditContext("ci"), Ct);
        }

        await Store.RegisterAsync(Bundle("svc_2", "a"), Admin, Ct);
        await Store.SetAliasAsync(new VersionRef("svc", 3), "candidate", new AuditContext("ops", "try \"quotes\" and ünïcode"), Ct);
        await Store.SetAliasAsync(new VersionRef("svc", 3), "stable", Admin, Ct);
        await Store.ArchiveAsync(new VersionRef("svc", 2), Admin, Ct);
        await Store.CreateKeyAsync("ci", Role.Operator, "sha256:ffff", Admin, Ct);
        await Store.RevokeKeyAsync("ci", Admin, Ct);
        var count = await CountAsync("audit_log");
        Assert.Equal(3 + 4 + 3 + 2 + 1 + 2, count);
        return count;
    }
}
