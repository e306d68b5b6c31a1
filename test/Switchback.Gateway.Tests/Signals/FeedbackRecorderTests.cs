using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchback.Core.Routing;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Units;

namespace Switchback.Gateway.Tests.Signals;

/// <summary>Feedback units (docs/statistics.md §1b): a key's first vote per weight, from the request id's signed unit part.</summary>
public sealed class FeedbackRecorderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(T0);
    private readonly RoutingTableHolder routing = new();
    private readonly SignalRegistry signals;
    private readonly UnitTracker units;
    private readonly FeedbackRecorder recorder;

    public FeedbackRecorderTests()
    {
        signals = new SignalRegistry(time);
        units = new UnitTracker(time, Options.Create(new UnitOptions()));
        recorder = new FeedbackRecorder(signals, units, routing);
    }

    private List<UnitRecord> Feedback(string salt = "r-1") => [.. units.Closed("svc", salt, 0, long.MaxValue, UnitKind.Feedback)];

    [Fact]
    public void HeavyUserWithManyThumbsDown_IsOneUnit_EveryVoteStillCounted()
    {
        var ticket = new UnitTicket("svc", "r-1", 41, 2, true, 500);

        for (var i = 0; i < 50; i++)
        {
            recorder.Record("svc", 2, -1, escalated: i == 0, ticket);
        }

        var unit = Assert.Single(Feedback());
        Assert.Equal((UnitFlags.ThumbsDown | UnitFlags.Escalated, 41UL, true, 500), ((UnitFlags)unit.Failures, unit.KeyHash, unit.Candidate, unit.WeightBps));
        Assert.Equal(50, signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Feedback.ThumbsDown);
    }

    [Fact]
    public void IdWithoutAUnit_DuringACanary_IsAVoteOfItsOwnInTheCurrentRouting_AndOutsideOneFormsNoUnit()
    {
        recorder.Record("svc", 2, -1, escalated: false, signedUnit: null);
        Assert.Empty(Feedback());

        routing.Swap(RoutingTable.Empty.With(new RoutingState("svc", 1, 2, 2_500, Salt: "r-1")));
        recorder.Record("svc", 2, -1, escalated: false, signedUnit: null);
        recorder.Record("svc", 1, 1, escalated: false, signedUnit: null);
        recorder.Record("svc", 7, -1, escalated: false, signedUnit: null);

        Assert.Equal([(0UL, true, 2_500, UnitFlags.ThumbsDown), (0UL, false, 2_500, UnitFlags.None)],
            Feedback().Select(u => (u.KeyHash, u.Candidate, u.WeightBps, (UnitFlags)u.Failures)));
    }

    [Fact]
    public void SignedUnitOfAnotherVersion_IsNotTrusted_TheVoteCountsPerVote()
    {
        routing.Swap(RoutingTable.Empty.With(new RoutingState("svc", 1, 2, 2_500, Salt: "r-1")));

        recorder.Record("svc", 1, -1, escalated: false, new UnitTicket("svc", "r-1", 41, 2, true, 2_500));

        Assert.Equal((0UL, false), Feedback().Select(u => (u.KeyHash, u.Candidate)).Single());
    }
}
