using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchback.Control.Rollouts;
using Switchback.Core.Analysis;
using Switchback.Core.Manifests;
using Switchback.Core.OnlineEvaluators;
using Switchback.Core.Rollouts;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Units;

namespace Switchback.Control.Tests.Rollouts;

/// <summary>Evaluator guardrails judged by unit during a canary (docs/statistics.md §1b): a key's first evaluated answer per weight.</summary>
public sealed class EvaluationUnitObservationTests
{
    private const string Plan = """
        kind: Rollout
        deployment: svc
        steps:
          - canary: { weight: 5, duration: 10m }
          - canary: { weight: 100 }
        guardrails:
          - { signal: refusal_rate, compare: baseline, severity: hard }
          - { signal: json_invalid_rate, compare: baseline, severity: hard }
          - { signal: refusal_rate, max: 0.5, severity: soft }
          - { signal: thumbs_down_rate, compare: baseline, severity: soft }
        alpha: 0.01
        """;

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task HeavyUserWithManyRefusals_CountsOnce_AndTheRateRuleStaysPerAnswer()
    {
        var (recorder, observer, state) = await StartAsync();
        for (var i = 0; i < 300; i++)
        {
            recorder.Record("svc", 2, new EvaluationResult { Refusal = true }, Ticket(state, 7, candidate: true));
        }

        for (ulong key = 100; key < 140; key++)
        {
            recorder.Record("svc", 1, new EvaluationResult { JsonInvalid = key % 10 == 0 }, Ticket(state, key, candidate: false));
            recorder.Record("svc", 1, new EvaluationResult { Refusal = true }, Ticket(state, key, candidate: false));
        }

        recorder.Record("svc", 2, new EvaluationResult { Refusal = true }, Ticket(state, 0, candidate: true));
        time.Advance(TimeSpan.FromSeconds(2));
        var observation = await observer.ObserveAsync(state, time.GetUtcNow(), CancellationToken.None);

        // One group (5 %, first units): the heavy user is one refusing unit, the keyless answer another; the baseline's 40 keys
        // count their first answers only (none refused); only answers to JSON requests are json_invalid_rate's trials.
        Assert.Equal([new ArmInterval(40, 0, 2, 2)], observation.UnitComparisons["refusal_rate"]);
        Assert.Equal([new ArmInterval(40, 4, 0, 0)], observation.UnitComparisons["json_invalid_rate"]);
        Assert.False(observation.Comparisons.ContainsKey("refusal_rate"));
        Assert.Equal(new SignalCount(301, 301), observation.Absolute["refusal_rate"]);

        var decided = RolloutDecider.Decide(state, observation, time.GetUtcNow()).Next;
        var evidence = decided.Guardrails["refusal_rate:compare"].Last!;
        Assert.True(evidence.ByUnit);
        Assert.Equal((2L, 40L), (evidence.Test!.CandidateRequests, evidence.Test.BaselineRequests));
    }

    [Fact]
    public async Task HeavyUserWithManyThumbsDown_CountsOnce_InTheFeedbackComparison()
    {
        var (_, observer, state, feedback) = await StartWithFeedbackAsync();
        for (var i = 0; i < 50; i++)
        {
            feedback.Record("svc", 2, -1, escalated: false, Ticket(state, 7, candidate: true));
        }

        for (ulong key = 100; key < 120; key++)
        {
            feedback.Record("svc", 1, 1, escalated: false, Ticket(state, key, candidate: false));
        }

        time.Advance(TimeSpan.FromSeconds(2));
        var observation = await observer.ObserveAsync(state, time.GetUtcNow(), CancellationToken.None);

        Assert.Equal([new ArmInterval(20, 0, 1, 1)], observation.UnitComparisons["thumbs_down_rate"]);
        Assert.False(observation.UnitComparisons.ContainsKey("escalation_rate"));
    }

    private async Task<(EvaluationRecorder Recorder, RolloutObserver Observer, RolloutState State)> StartAsync()
    {
        var (recorder, observer, state, _) = await StartWithFeedbackAsync();
        return (recorder, observer, state);
    }

    private async Task<(EvaluationRecorder Recorder, RolloutObserver Observer, RolloutState State, FeedbackRecorder Feedback)> StartWithFeedbackAsync()
    {
        var signals = new SignalRegistry(time, new SignalOptions { CounterNames = EvaluationCounters.All });
        var lengths = new ResponseLengthSignals(time);
        var units = new UnitTracker(time, Options.Create(new UnitOptions()));
        var observer = new RolloutObserver(new LocalRolloutSignals(signals, lengths, units));
        var read = ManifestReader.Read(Plan, "plan.yaml");
        var spec = RolloutSpec.Parse((RolloutManifest)read.Documents[0], "plan.yaml").Spec!;
        var state = RolloutState.Create("r-evals", spec, 1, 2, time.GetUtcNow());
        state = RolloutDecider.Decide(state, new RolloutObservation(time.GetUtcNow()), time.GetUtcNow()).Next;
        observer.Start(state.Id, time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await observer.ObserveAsync(state, time.GetUtcNow(), CancellationToken.None)).BaselineRequests);
        var routing = new Core.Routing.RoutingTableHolder();
        return (new EvaluationRecorder(signals, lengths, units), observer, state, new FeedbackRecorder(signals, units, routing));
    }

    private static UnitTicket Ticket(RolloutState state, ulong key, bool candidate) => new("svc", state.Id, key, candidate ? 2 : 1, candidate, 500);
}
