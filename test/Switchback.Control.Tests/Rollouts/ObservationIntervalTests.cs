using Switchback.Core.Rollouts;

namespace Switchback.Control.Tests.Rollouts;

/// <summary>
/// Which whole seconds a rollout's first observation interval covers (docs/rollouts.md, "The controller"): only seconds that
/// begin at or after the rollout's first observation, so stable traffic from before the start is not counted as the
/// rollout's own.
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

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
}
