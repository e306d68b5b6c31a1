using Microsoft.Extensions.DependencyInjection;
using Switchback.Control.Rollouts;
using Switchback.Core.Rollouts;

namespace Switchback.Control.Tests.Rollouts;

/// <summary>
/// Which whole seconds a rollout's first observation interval covers (docs/rollouts.md, "The controller"): only seconds that
/// begin at or after the rollout's routing took effect, so neither stable traffic from before the start nor a gate's pinned
/// requests are counted as the rollout's own.
/// </summary>
public sealed class ObservationIntervalTests
{
    private const string Canary = """
        steps:
          - canary: { weight: 10, duration: 30s, min_requests: 20 }
          - canary: { weight: 100 }
        guardrails:
          - { signal: error_rate, compare: baseline, severity: hard }
        """;

    private const string Dataset = """
        {"id": "q1", "prompt": "Question 1", "expected": "Answer 1", "scorer": {"type": "contains"}}

        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TicksBetweenWholeSeconds_CountEverySecondExactlyOnce()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        h.Time.Advance(TimeSpan.FromMilliseconds(400));
        await h.StartAsync(ControllerHarness.Spec(Canary));

        // Ticks at .4 of each second: every interval must end at a whole second, or its last second is counted again next time.
        for (var i = 0; i < 10; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(300));
            h.Serve(1, ok: 9);
            h.Serve(2, ok: 1);
            h.Time.Advance(TimeSpan.FromMilliseconds(700));
            await h.Controller.TickAsync(Ct);
        }

        var state = await h.LatestAsync();
        Assert.Equal(new StepCounters(81, 9, 0), state.Step);
        Assert.Equal(0, state.ObservedUntil!.Value.Millisecond);
        Assert.Equal((81L, 0L, 9L, 0L), Counts(state));
    }

    [Fact]
    public async Task FirstInterval_RequestsEarlierInTheStartSecond_AreNotCounted()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();

        // 10:00:00.2: served before the rollout exists; 10:00:00.5: the rollout starts (its first observation).
        h.Time.Advance(TimeSpan.FromMilliseconds(200));
        h.Serve(1, ok: 7);
        h.Serve(2, ok: 0, errors: 3);
        h.Time.Advance(TimeSpan.FromMilliseconds(300));
        await h.StartAsync(ControllerHarness.Spec(Canary));
        await h.SecondAsync();
        await h.SecondAsync();

        Assert.Equal(StepCounters.Zero, (await h.LatestAsync()).Step);
    }

    [Fact]
    public async Task FirstInterval_RequestsInTheNextWholeSecond_AreCounted()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        h.Time.Advance(TimeSpan.FromMilliseconds(500));
        await h.StartAsync(ControllerHarness.Spec(Canary));
        h.Serve(1, ok: 5);

        // 10:00:01.0, the first whole second after the start.
        h.Time.Advance(TimeSpan.FromMilliseconds(500));
        await h.Controller.TickAsync(Ct);
        h.Serve(1, ok: 90);
        h.Serve(2, ok: 10);
        await h.SecondAsync();

        var state = await h.LatestAsync();
        Assert.Equal(new StepCounters(90, 10, 0), state.Step);
        Assert.Equal(RolloutPhase.Progressing, state.Phase);
    }

    [Fact]
    public async Task FirstInterval_StartExactlyOnAWholeSecond_CountsThatSecond()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec(Canary));

        h.Serve(1, ok: 90);
        h.Serve(2, ok: 10);
        await h.SecondAsync();

        Assert.Equal(new StepCounters(90, 10, 0), (await h.LatestAsync()).Step);
    }

    [Fact]
    public async Task FirstInterval_GateTrafficWhileGating_IsNotCounted()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        var started = await h.Controller.BeginAsync(
            ControllerHarness.Spec(Canary + "\ngate: { dataset: golden.jsonl, min_score: 0.9, max_drop_vs_stable: 0.02 }\n"), 2, "ops", Ct, Dataset);
        Assert.Equal(RolloutPhase.Gating, started.Rollout!.Phase);

        // The gate's pinned requests to both versions (failing ones included), over several whole seconds, while ticks go on.
        for (var s = 0; s < 3; s++)
        {
            h.Serve(1, ok: 40);
            h.Serve(2, ok: 30, errors: 10);
            await h.SecondAsync();
        }

        // 10:00:03.3: the gate passes and the first step is routed; the gate's last requests end in this very second.
        h.Time.Advance(TimeSpan.FromMilliseconds(300));
        h.Serve(1, ok: 4);
        h.Serve(2, ok: 3, errors: 1);
        h.Gates.Finish(candidate: 0.95, stable: 0.95);
        await h.Controller.WhenGatesIdleAsync();
        Assert.Equal(1_000, h.Routed.CandidateWeightBps);

        // 10:00:04.0 on: user traffic, counted from the first whole second after the routing, not from the next tick's.
        h.Time.Advance(TimeSpan.FromMilliseconds(700));
        h.Serve(1, ok: 90);
        h.Serve(2, ok: 10);
        await h.SecondAsync();
        await h.SecondAsync();

        var state = await h.LatestAsync();
        Assert.Equal(RolloutPhase.Progressing, state.Phase);
        Assert.Equal(new StepCounters(90, 10, 0), state.Step);
        Assert.Equal((90L, 0L, 10L, 0L), Counts(state));
    }

    [Fact]
    public async Task Observe_WhileGating_CountsNothingAndStartsNoCursor()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        var observer = h.Services.GetRequiredService<RolloutObserver>();
        var gating = RolloutState.Create("r-1", ControllerHarness.Spec(Canary), 1, 2, h.Time.GetUtcNow()) with { Phase = RolloutPhase.Gating };

        // 10:00:00.0, on a whole second: a cursor started here would count the gate's requests that follow.
        var whileGating = await observer.ObserveAsync(gating, h.Time.GetUtcNow(), TestContext.Current.CancellationToken);
        h.Serve(1, ok: 40);
        h.Serve(2, ok: 30, errors: 10);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var first = await observer.ObserveAsync(gating with { Phase = RolloutPhase.Progressing }, h.Time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal((0L, 0L), (whileGating.BaselineRequests, whileGating.CandidateRequests));
        Assert.Equal((0L, 0L), (first.BaselineRequests, first.CandidateRequests));
    }

    /// <summary>The error_rate test's requests and events per arm so far.</summary>
    private static (long BaselineRequests, long BaselineEvents, long CandidateRequests, long CandidateEvents) Counts(RolloutState state)
    {
        var test = state.Guardrails["error_rate:compare"].Test!;
        return (test.BaselineRequests, test.BaselineEvents, test.CandidateRequests, test.CandidateEvents);
    }
}
