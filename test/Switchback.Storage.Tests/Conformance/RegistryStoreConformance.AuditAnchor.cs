using Switchback.Core.Audit;

namespace Switchback.Storage.Tests.Conformance;

/// <summary>The audit head as an anchor kept outside the store, and verification against it (issue 17).</summary>
public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task AuditHead_EmptyLog_IsNull_AfterWrites_IsTheLastEntry()
    {
        Assert.Null(await Store.GetAuditHeadAsync(Ct));
        var count = await MakeHistoryAsync();

        var head = await Store.GetAuditHeadAsync(Ct);

        var last = (await Store.ListAuditAsync(new AuditQuery(AfterSequence: count - 1), Ct)).Single();
        Assert.Equal(new AuditAnchor(count, last.Hash), head);
    }

    [Fact]
    public async Task VerifyAuditWithAnchor_IntactLogAfterMoreWrites_IsOkAndTheAnchorMatches()
    {
        await MakeHistoryAsync();
        var anchor = (await Store.GetAuditHeadAsync(Ct))!;
        await Store.RegisterAsync(Bundle("later", "a"), Admin, Ct);

        var result = await Store.VerifyAuditAsync(anchor, Ct);

        Assert.True(result.Ok, result.Problem);
        Assert.True(result.AnchorMatches);
        Assert.Equal(anchor.Sequence + 3, result.EntriesChecked);
    }

    [Fact]
    public async Task VerifyAuditWithAnchor_LastEntriesDeletedAndHeadRewound_FailsNamingTheFirstMissingEntry()
    {
        var count = await MakeHistoryAsync();
        var anchor = (await Store.GetAuditHeadAsync(Ct))!;
        await CutAuditTailAsync(count, keep: count - 2);

        var plain = await Store.VerifyAuditAsync(Ct);
        var anchored = await Store.VerifyAuditAsync(anchor, Ct);

        // The limit docs/storage.md states: a cut tail with a rewound head is a valid, shorter chain.
        Assert.True(plain.Ok, plain.Problem);
        Assert.False(anchored.Ok);
        Assert.False(anchored.AnchorMatches);
        Assert.Equal(count - 1, anchored.FirstBrokenSequence);
        Assert.Contains($"entry {count} named by the anchor is missing", anchored.Problem);
    }

    [Fact]
    public async Task VerifyAuditWithAnchor_TailCutThenWrittenAgainWithFreshHashes_FailsTheAnchorEntryDiffers()
    {
        var count = await MakeHistoryAsync();
        var anchor = (await Store.GetAuditHeadAsync(Ct))!;
        await CutAuditTailAsync(count, keep: count - 1);
        await Store.RegisterAsync(Bundle("covering", "a"), Admin, Ct);

        var plain = await Store.VerifyAuditAsync(Ct);
        var anchored = await Store.VerifyAuditAsync(anchor, Ct);

        Assert.True(plain.Ok, plain.Problem);
        Assert.False(anchored.Ok);
        Assert.False(anchored.AnchorMatches);
        Assert.Equal(count, anchored.FirstBrokenSequence);
        Assert.Contains($"entry {count} does not match the anchor", anchored.Problem);
    }

    [Fact]
    public async Task VerifyAuditWithAnchor_ChainBrokenBeforeTheAnchor_ReportsTheBreakAndLeavesTheAnchorUnchecked()
    {
        await MakeHistoryAsync();
        var anchor = (await Store.GetAuditHeadAsync(Ct))!;
        await ExecuteSqlAsync(Database, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3");

        var result = await Store.VerifyAuditAsync(anchor, Ct);

        Assert.False(result.Ok);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Null(result.AnchorMatches);
    }

    /// <summary>Deletes every entry after <paramref name="keep"/> and points the head at entry <paramref name="keep"/>, as an attacker with SQL would.</summary>
    private async Task CutAuditTailAsync(long count, long keep)
    {
        Assert.True(keep < count);
        await ExecuteSqlAsync(Database, $"DELETE FROM audit_log WHERE seq > {keep}");
        await ExecuteSqlAsync(Database, $"UPDATE audit_head SET seq = {keep}, hash = (SELECT hash FROM audit_log WHERE seq = {keep}) WHERE id = 1");
    }
}
