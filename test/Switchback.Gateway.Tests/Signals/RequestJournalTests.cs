using Microsoft.Extensions.Time.Testing;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Tests.Signals;

public sealed class RequestJournalTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryGet_RecordedRequest_ReturnsWhoServedIt()
    {
        var journal = new RequestJournal(_time);
        journal.Record("req-1", "support-bot", 8, RequestOutcome.Timeout);

        Assert.True(journal.TryGet("req-1", out var entry));
        Assert.Equal(new JournalEntry("req-1", "support-bot", 8, _time.GetUtcNow(), RequestOutcome.Timeout), entry);
        Assert.False(journal.TryGet("req-2", out _));
    }

    [Fact]
    public void Record_BeyondMaxEntries_EvictsOldestFirst()
    {
        var journal = new RequestJournal(_time, new RequestJournalOptions { MaxEntries = 3 });
        for (var i = 1; i <= 5; i++)
        {
            journal.Record($"req-{i}", "support-bot", 7, RequestOutcome.Ok);
        }

        Assert.Equal(3, journal.Count);
        Assert.False(journal.TryGet("req-1", out _));
        Assert.False(journal.TryGet("req-2", out _));
        Assert.True(journal.TryGet("req-3", out _));
        Assert.True(journal.TryGet("req-5", out _));
    }

    [Fact]
    public void TryGet_OlderThanMaxAge_IsGoneAndTrimmed()
    {
        var journal = new RequestJournal(_time, new RequestJournalOptions { MaxAge = TimeSpan.FromMinutes(10) });
        journal.Record("old", "support-bot", 7, RequestOutcome.Ok);
        _time.Advance(TimeSpan.FromMinutes(6));
        journal.Record("young", "support-bot", 8, RequestOutcome.Ok);
        _time.Advance(TimeSpan.FromMinutes(4) - TimeSpan.FromTicks(1));

        Assert.True(journal.TryGet("old", out _));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(journal.TryGet("old", out _));
        Assert.True(journal.TryGet("young", out _));
        Assert.Equal(2, journal.Count);

        journal.Trim();

        Assert.Equal(1, journal.Count);
        _time.Advance(TimeSpan.FromMinutes(6));
        journal.Record("new", "support-bot", 8, RequestOutcome.Ok);
        Assert.Equal(1, journal.Count);
        Assert.True(journal.TryGet("new", out _));
    }

    [Fact]
    public void Record_SameIdAgain_KeepsNewestEntryWhenOldOneIsEvicted()
    {
        var journal = new RequestJournal(_time, new RequestJournalOptions { MaxEntries = 2 });
        journal.Record("req-1", "support-bot", 7, RequestOutcome.Ok);
        _time.Advance(TimeSpan.FromSeconds(1));
        journal.Record("req-1", "support-bot", 8, RequestOutcome.Ok);
        journal.Record("req-2", "support-bot", 8, RequestOutcome.Ok);

        Assert.True(journal.TryGet("req-1", out var entry));
        Assert.Equal(8, entry.Version);
        Assert.True(journal.TryGet("req-2", out _));
    }

    [Fact]
    public void Record_ConcurrentWriters_KeepEveryEntry()
    {
        var journal = new RequestJournal(_time);
        const int threads = 4;
        const int each = 10_000;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (var i = 0; i < each; i++)
            {
                journal.Record($"{t}-{i}", "support-bot", 7 + (i % 2), RequestOutcome.Ok);
            }
        });

        Assert.Equal(threads * each, journal.Count);
        Assert.True(journal.TryGet("3-9999", out var last));
        Assert.Equal(8, last.Version);
    }

    [Fact]
    public void Record_ConcurrentWritersOverLimit_StayBounded()
    {
        var journal = new RequestJournal(_time, new RequestJournalOptions { MaxEntries = 1_000 });

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                journal.Record($"{t}-{i}", "support-bot", 7, RequestOutcome.Ok);
            }
        });

        journal.Trim();
        Assert.Equal(1_000, journal.Count);
    }

    [Fact]
    public void Record_BadArguments_ThrowAndRecordNothing()
    {
        var journal = new RequestJournal(_time);

        Assert.Throws<ArgumentException>(() => journal.Record("", "support-bot", 7, RequestOutcome.Ok));
        Assert.Throws<ArgumentException>(() => journal.Record("req", "", 7, RequestOutcome.Ok));
        Assert.Throws<ArgumentOutOfRangeException>(() => journal.Record("req", "support-bot", 0, RequestOutcome.Ok));
        Assert.Equal(0, journal.Count);
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(10, 0)]
    public void Constructor_InvalidOptions_Throws(int maxEntries, int maxAgeSeconds)
        => Assert.Throws<ArgumentException>(() => new RequestJournal(_time, new RequestJournalOptions { MaxEntries = maxEntries, MaxAge = TimeSpan.FromSeconds(maxAgeSeconds) }));
}
