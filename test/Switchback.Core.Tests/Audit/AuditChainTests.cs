using Switchback.Core.Audit;

namespace Switchback.Core.Tests.Audit;

public sealed class AuditChainTests
{
    private static List<AuditEntry> Chain(int count)
    {
        var start = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var entries = new List<AuditEntry>();
        var previous = AuditChain.GenesisHash;
        for (var i = 1; i <= count; i++)
        {
            var time = start.AddSeconds(i);
            var hash = AuditChain.ComputeHash(i, time, "ci", "alias.set", $"support-bot@{i}", null, "{\"stable\":" + i + "}", "deploy", previous);
            entries.Add(new AuditEntry(i, time, "ci", "alias.set", $"support-bot@{i}", null, "{\"stable\":" + i + "}", "deploy", previous, hash));
            previous = hash;
        }

        return entries;
    }

    [Fact]
    public void Verify_ValidChain_IsOk()
    {
        var chain = Chain(5);
        var result = AuditChain.Verify(chain, 5, chain[^1].Hash);
        Assert.True(result.Ok, result.Problem);
        Assert.Equal(5, result.EntriesChecked);
        Assert.True(AuditChain.Verify([], 0, null).Ok);
    }

    [Fact]
    public void Verify_EditedEntry_ReportsIt()
    {
        var chain = Chain(5);
        chain[2] = chain[2] with { Reason = "nothing to see" };
        var result = AuditChain.Verify(chain, 5, chain[^1].Hash);
        Assert.False(result.Ok);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("was modified", result.Problem);
    }

    [Fact]
    public void Verify_EditedEntryWithRecomputedHash_BreaksTheNextLink()
    {
        var chain = Chain(5);
        var edited = chain[2] with { Actor = "mallory" };
        chain[2] = edited with { Hash = AuditChain.ComputeHash(edited) };
        var result = AuditChain.Verify(chain, 5, chain[^1].Hash);
        Assert.False(result.Ok);
        Assert.Equal(4, result.FirstBrokenSequence);
    }

    [Fact]
    public void Verify_DeletedMiddleEntry_ReportsTheGap()
    {
        var chain = Chain(5);
        var head = chain[^1].Hash;
        chain.RemoveAt(2);
        var result = AuditChain.Verify(chain, 5, head);
        Assert.False(result.Ok);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("entry 3 is missing", result.Problem);
    }

    [Fact]
    public void Verify_DeletedLastEntry_IsCaughtByExpectedCount()
    {
        var chain = Chain(5);
        var head = chain[^1].Hash;
        chain.RemoveAt(4);
        var result = AuditChain.Verify(chain, 5, head);
        Assert.False(result.Ok);
        Assert.Equal(5, result.FirstBrokenSequence);
        Assert.Contains("missing", result.Problem);
    }

    [Fact]
    public void Verify_DeletedLastEntryAndCount_IsCaughtByExpectedHead()
    {
        var chain = Chain(5);
        var head = chain[^1].Hash;
        chain.RemoveAt(4);
        var result = AuditChain.Verify(chain, 4, head);
        Assert.False(result.Ok);
        Assert.Contains("recorded head", result.Problem);
    }

    [Fact]
    public void Verify_ReorderedChain_IsDetected()
    {
        var chain = Chain(5);
        (chain[1], chain[2]) = (chain[2], chain[1]);
        var result = AuditChain.Verify(chain, 5, Chain(5)[^1].Hash);
        Assert.False(result.Ok);
        Assert.Equal(2, result.FirstBrokenSequence);
    }

    [Fact]
    public void Verify_ReorderedAndRenumbered_BreaksTheLinks()
    {
        var chain = Chain(5);
        (chain[1], chain[2]) = (chain[2] with { Sequence = 2 }, chain[1] with { Sequence = 3 });
        var result = AuditChain.Verify(chain, 5, Chain(5)[^1].Hash);
        Assert.False(result.Ok);
        Assert.Equal(2, result.FirstBrokenSequence);
    }

    [Fact]
    public void ComputeHash_SameFieldsAtDifferentSubMillisecondTimes_AreEqual()
    {
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, 123, TimeSpan.FromHours(2));
        Assert.Equal(
            AuditChain.ComputeHash(1, t, "a", "b", "c", null, null, null, AuditChain.GenesisHash),
            AuditChain.ComputeHash(1, t.AddTicks(99).ToUniversalTime(), "a", "b", "c", null, null, null, AuditChain.GenesisHash));
    }
}
