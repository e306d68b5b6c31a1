using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchback.Core.OnlineEvaluators;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Units;

namespace Switchback.Gateway.Tests.Units;

/// <summary>The evaluation stream of the unit tracker (docs/statistics.md §1b): a key's first evaluated answer per weight.</summary>
public sealed class EvaluationUnitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly long S0 = T0.ToUnixTimeSeconds();

    private readonly FakeTimeProvider time = new(T0);

    private UnitTracker Tracker(int maxKeys = 1000) => new(time, Options.Create(new UnitOptions { MaxKeysPerRollout = maxKeys }));

    private static UnitTicket Ticket(ulong key, bool candidate = true, int weight = 500) => new("svc", "r-1", key, candidate ? 2 : 1, candidate, weight);

    private static List<UnitRecord> Evaluations(UnitTracker units) => [.. units.Closed("svc", "r-1", S0 - 10, S0 + 10_000, UnitKind.Evaluation)];

    [Fact]
    public void HeavyUserWithManyRefusals_IsOneEvaluationUnit_AndTheRequestStreamIsUntouched()
    {
        var units = Tracker();
        var recorder = new EvaluationRecorder(new SignalRegistry(time, new SignalOptions { CounterNames = EvaluationCounters.All }), new ResponseLengthSignals(time), units);

        for (var i = 0; i < 200; i++)
        {
            recorder.Record("svc", 2, new EvaluationResult { Refusal = true, ResponseLength = 10 }, Ticket(7));
        }

        recorder.Record("svc", 2, new EvaluationResult { ResponseLength = 10 }, Ticket(9));

        var evaluated = Evaluations(units);
        Assert.Equal(2, evaluated.Count);
        var heavy = evaluated.Single(u => u.KeyHash == 7);
        Assert.Equal((UnitKind.Evaluation, UnitFlags.Refusal, 1, true, 500, 0), (heavy.Kind, (UnitFlags)heavy.Failures, heavy.Requests, heavy.Candidate, heavy.WeightBps, heavy.PriorBps));
        Assert.Equal(UnitFlags.None, (UnitFlags)evaluated.Single(u => u.KeyHash == 9).Failures);
        Assert.Empty(units.Closed("svc", "r-1", S0 - 10, S0 + 10_000));
    }

    [Fact]
    public void Record_WithoutATicket_FormsNoUnit_AndWithoutAKey_EveryAnswerIsItsOwnUnit()
    {
        var units = Tracker();
        var recorder = new EvaluationRecorder(new SignalRegistry(time), new ResponseLengthSignals(time), units);

        recorder.Record("svc", 2, new EvaluationResult { Refusal = true });
        recorder.Record("svc", 2, new EvaluationResult { Refusal = true }, Ticket(0));
        recorder.Record("svc", 2, new EvaluationResult(), Ticket(0));

        Assert.Equal([UnitFlags.Refusal, UnitFlags.None], Evaluations(units).Select(u => (UnitFlags)u.Failures));
    }

    [Fact]
    public void KeySeenOnTheBaseline_FormsOneEvaluationUnitPerHigherWeight_WithItsPriorWeight_AndNoneOnceSeenOnTheCandidate()
    {
        var units = Tracker();

        units.RecordEvaluation(Ticket(5, candidate: false, weight: 100), UnitFlags.None);
        units.RecordEvaluation(Ticket(5, candidate: false, weight: 100), UnitFlags.Refusal);
        units.RecordEvaluation(Ticket(5, candidate: false, weight: 50), UnitFlags.Refusal);
        units.RecordEvaluation(Ticket(5, candidate: true, weight: 500), UnitFlags.Empty);
        units.RecordEvaluation(Ticket(5, candidate: true, weight: 2500), UnitFlags.Empty);

        Assert.Equal([(100, 0, false, UnitFlags.None), (500, 100, true, UnitFlags.Empty)],
            Evaluations(units).OrderBy(u => u.WeightBps).Select(u => (u.WeightBps, u.PriorBps, u.Candidate, (UnitFlags)u.Failures)));
    }

    [Fact]
    public void EvaluationStream_KeepsItsOwnRecord_AKeyWithRequestUnitsStillFormsItsFirstEvaluationUnit()
    {
        var units = Tracker();
        units.Record(Ticket(3), new RequestSample(10));
        units.Sweep(_ => ("r-1", 1_000));

        units.RecordEvaluation(Ticket(3), UnitFlags.SafetyViolation);

        Assert.Single(units.Closed("svc", "r-1", S0 - 10, S0 + 10));
        Assert.Equal((0, UnitFlags.SafetyViolation), Evaluations(units).Select(u => (u.PriorBps, (UnitFlags)u.Failures)).Single());
    }

    [Fact]
    public void KeysBeyondTheLimit_AreUntrackedInTheEvaluationStream()
    {
        var units = Tracker(maxKeys: 2);

        for (ulong key = 1; key <= 4; key++)
        {
            units.RecordEvaluation(Ticket(key), UnitFlags.None);
        }

        Assert.Equal(2, Evaluations(units).Count);
        Assert.Equal(2, units.Untracked("svc", "r-1", UnitKind.Evaluation));
    }

    [Fact]
    public async Task ConcurrentAnswersOfOneKey_FormExactlyOneEvaluationUnit()
    {
        var units = Tracker();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                units.RecordEvaluation(Ticket(11, candidate: false, weight: 100 + (i % 3 * 100)), UnitFlags.None);
            }
        })));

        // One unit per weight at most (100, 200, 300), each later one with the highest lower weight it was seen at before.
        var formed = Evaluations(units);
        Assert.InRange(formed.Count, 1, 3);
        Assert.Equal(formed.Count, formed.Select(u => u.WeightBps).Distinct().Count());
        Assert.All(formed, u => Assert.True(u.PriorBps < u.WeightBps));
    }

    [Theory]
    [InlineData(false, false, false, null, UnitFlags.None)]
    [InlineData(true, true, true, false, UnitFlags.SafetyViolation | UnitFlags.Refusal | UnitFlags.Empty | UnitFlags.JsonChecked)]
    [InlineData(false, false, false, true, UnitFlags.JsonChecked | UnitFlags.JsonInvalid)]
    public void Flags_SayWhatTheResultShowed(bool safety, bool refusal, bool empty, bool? jsonInvalid, UnitFlags expected)
    {
        var result = new EvaluationResult { SafetyDetectors = safety ? ["pii_email"] : [], Refusal = refusal, Empty = empty, JsonInvalid = jsonInvalid };
        Assert.Equal(expected, EvaluationRecorder.Flags(result));
    }
}
