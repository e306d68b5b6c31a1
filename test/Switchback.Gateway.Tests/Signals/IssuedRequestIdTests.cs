using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Tests.Signals;

public sealed partial class IssuedRequestIdTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    [GeneratedRegex("^req_[0-9a-f]{32}$")]
    private static partial Regex IdFormat();

    [Fact]
    public void NextRequestId_Recorded_IsFoundWithWhoServedIt()
    {
        var journal = new RequestJournal(_time);
        var id = journal.NextRequestId();

        journal.Record(id, "support-bot", 8, RequestOutcome.Timeout);

        Assert.Matches(IdFormat(), id);
        Assert.True(journal.TryGet(id, out var entry));
        Assert.Equal(new JournalEntry(id, "support-bot", 8, _time.GetUtcNow(), RequestOutcome.Timeout), entry);
    }

    [Fact]
    public void NextRequestId_NeverRecorded_IsNotFound()
    {
        var journal = new RequestJournal(_time);
        var id = journal.NextRequestId();

        Assert.False(journal.TryGet(id, out _));
    }

    [Fact]
    public void NextRequestId_SameSequenceOtherTag_IsNotFound()
    {
        var journal = new RequestJournal(_time);
        var id = journal.NextRequestId();
        journal.Record(id, "support-bot", 8, RequestOutcome.Ok);
        var forged = id[..20] + (id[20] == '0' ? '1' : '0') + id[21..];

        Assert.False(journal.TryGet(forged, out _));
        Assert.False(journal.TryGet(id.ToUpperInvariant().Replace("REQ_", "req_", StringComparison.Ordinal), out _));
    }

    [Fact]
    public void NextRequestId_Many_AreUnique()
    {
        var journal = new RequestJournal(_time);

        var ids = Enumerable.Range(0, 20_000).Select(_ => journal.NextRequestId()).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(20_000, ids.Count);
        Assert.Equal(20_000, ids.Select(i => i[20..]).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Record_IssuedBeyondMaxEntries_EvictsOldestFirst()
    {
        var journal = new RequestJournal(_time, new RequestJournalOptions { MaxEntries = 3 });
        var ids = Enumerable.Range(0, 5).Select(_ => journal.NextRequestId()).ToArray();
        foreach (var id in ids)
        {
            journal.Record(id, "support-bot", 7, RequestOutcome.Ok);
        }

        Assert.False(journal.TryGet(ids[0], out _));
        Assert.False(journal.TryGet(ids[1], out _));
        Assert.True(journal.TryGet(ids[2], out _));
        Assert.True(journal.TryGet(ids[4], out _));
    }

    [Fact]
    public void Record_IssuedTwice_KeepsTheLaterEntry()
    {
        var journal = new RequestJournal(_time);
        var id = journal.NextRequestId();
        journal.Record(id, "support-bot", 7, RequestOutcome.Http5xx);
        _time.Advance(TimeSpan.FromSeconds(1));
        journal.Record(id, "support-bot", 6, RequestOutcome.Ok);

        Assert.True(journal.TryGet(id, out var entry));
        Assert.Equal(6, entry.Version);
        Assert.Equal(RequestOutcome.Ok, entry.Outcome);
    }

    [Fact]
    public void TryGet_IssuedOlderThanMaxAge_IsGone()
    {
        var journal = new RequestJournal(_time, new RequestJournalOptions { MaxAge = TimeSpan.FromMinutes(10) });
        var id = journal.NextRequestId();
        journal.Record(id, "support-bot", 7, RequestOutcome.Ok);

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.True(journal.TryGet(id, out _));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(journal.TryGet(id, out _));
    }

    [Fact]
    public void Record_ConcurrentIssuedWriters_KeepEveryEntry()
    {
        var journal = new RequestJournal(_time);
        var ids = new string[4][];

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            ids[t] = new string[20_000];
            for (var i = 0; i < ids[t].Length; i++)
            {
                ids[t][i] = journal.NextRequestId();
                journal.Record(ids[t][i], "support-bot", 7 + (i % 2), RequestOutcome.Ok);
            }
        });

        for (var t = 0; t < 4; t++)
        {
            for (var i = 0; i < ids[t].Length; i++)
            {
                Assert.True(journal.TryGet(ids[t][i], out var entry));
                Assert.Equal(7 + (i % 2), entry.Version);
            }
        }
    }
}
