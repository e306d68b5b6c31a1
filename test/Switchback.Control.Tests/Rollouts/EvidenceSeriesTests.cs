using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchback.Control.Rollouts.Evidence;
using Switchback.Core.Rollouts;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Tests.Rollouts;

public sealed class EvidenceSeriesTests
{
    private const string Canary = """
        steps:
          - canary: { weight: 10, duration: 5m, min_requests: 20 }
          - canary: { weight: 100 }
        guardrails:
          - { signal: error_rate, compare: baseline, severity: hard }
          - { signal: latency_p95, compare: baseline, max_ratio: 1.5, severity: hard }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FlakyCanary_RolledBack_StoresTheEValueOverTimeUpToTheBreach()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        var rollout = await h.StartAsync(ControllerHarness.Spec(Canary));

        for (var s = 0; s < 30 && !(await h.LatestAsync()).IsFinished; s++)
        {
            h.Serve(1, ok: 90);
            h.Serve(2, ok: 9, errors: 1);
            await h.SecondAsync();
            await Recorder(h).FlushAsync(Ct);
        }

        Assert.Equal(RolloutPhase.RolledBack, (await h.LatestAsync()).Phase);
        var errors = await SeriesAsync(h, rollout.Id, "error_rate:compare");
        Assert.True(errors.Count > 2, $"{errors.Count} points");
        Assert.Equal((1.0, null, 0L), (errors[0].EValue, errors[0].Threshold, errors[0].CandidateTrials));
        Assert.True(errors[^1].EValue >= errors[^1].Threshold);
        Assert.Equal((await h.LatestAsync()).Guardrails["error_rate:compare"].Last!.Test!.EValue, errors[^1].EValue);
        Assert.True(errors.Zip(errors.Skip(1)).All(p => p.First.At < p.Second.At && p.First.CandidateTrials <= p.Second.CandidateTrials));
        Assert.NotEmpty(await SeriesAsync(h, rollout.Id, "latency_p95:compare"));
        Assert.Equal(0, Recorder(h).Waiting);
    }

    [Fact]
    public async Task HealthyCanary_PointsAreThinnedAtTheSourceByIntervalOrNoticeableChange()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        var rollout = await h.StartAsync(ControllerHarness.Spec(Canary));

        for (var s = 0; s < 40; s++)
        {
            h.Serve(1, ok: 90, errors: s % 7 == 0 ? 1 : 0);
            h.Serve(2, ok: 10);
            await h.SecondAsync();
        }

        await Recorder(h).FlushAsync(Ct);

        var options = new EvidenceSeriesOptions();
        foreach (var guardrail in new[] { "error_rate:compare", "latency_p95:compare" })
        {
            var points = await SeriesAsync(h, rollout.Id, guardrail);
            Assert.InRange(points.Count, 5, 40);
            foreach (var (a, b) in points.Zip(points.Skip(1)))
            {
                var ratio = b.EValue / a.EValue;
                Assert.True(
                    b.At - a.At >= options.MinInterval || ratio >= options.NoticeableFactor || ratio <= 1 / options.NoticeableFactor,
                    $"{guardrail}: {a.At:O} e {a.EValue} then {b.At:O} e {b.EValue}");
            }
        }
    }

    [Fact]
    public async Task LongCanary_StoredSeriesStaysWithinTheBoundKeepingItsStartAndLatest()
    {
        await using var h = new ControllerHarness(configure: s => s.Configure<EvidenceSeriesOptions>(o => o.MaxPoints = 10));
        await h.InitializeAsync();
        var rollout = await h.StartAsync(ControllerHarness.Spec(Canary));
        var firstAt = DateTimeOffset.MaxValue;

        for (var s = 0; s < 90; s++)
        {
            h.Serve(1, ok: 90, errors: s % 5 == 0 ? 1 : 0);
            h.Serve(2, ok: 10);
            await h.SecondAsync();
            await Recorder(h).FlushAsync(Ct);
            if (firstAt == DateTimeOffset.MaxValue && (await SeriesAsync(h, rollout.Id, "error_rate:compare")).FirstOrDefault() is { } first)
            {
                firstAt = first.At;
            }
        }

        var points = await SeriesAsync(h, rollout.Id, "error_rate:compare");
        Assert.InRange(points.Count, 5, 10);
        Assert.Equal(firstAt, points[0].At);
        Assert.True(h.Time.GetUtcNow() - points[^1].At <= new EvidenceSeriesOptions().MinInterval);
        Assert.Equal(RolloutPhase.Progressing, (await h.LatestAsync()).Phase);
    }

    [Fact]
    public async Task DeposedLeader_ItsPointsAreRefusedByTheFenceAndDropped()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        var rollout = await h.StartAsync(ControllerHarness.Spec(Canary));
        for (var s = 0; s < 3; s++)
        {
            h.Serve(1, ok: 90);
            h.Serve(2, ok: 10);
            await h.SecondAsync();
        }

        var fleet = (IFleetStore)h.Store;
        var old = await fleet.TryTakeLeaseAsync("old", null, Ct);
        var current = await fleet.TryTakeLeaseAsync("new", old, Ct);
        var deposed = new EvidenceRecorder((IEvidenceSeriesStore)h.Store, Options.Create(new EvidenceSeriesOptions()), h.Time, NullLogger<EvidenceRecorder>.Instance);
        var leader = new EvidenceRecorder((IEvidenceSeriesStore)h.Store, Options.Create(new EvidenceSeriesOptions()), h.Time, NullLogger<EvidenceRecorder>.Instance);
        var state = await h.LatestAsync();

        deposed.Observe(state, old!.Fence);
        await deposed.FlushAsync(Ct);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        leader.Observe(state, current!.Fence);
        await leader.FlushAsync(Ct);

        Assert.Equal(0, deposed.Waiting);
        var stored = await ((IEvidenceSeriesStore)h.Store).ReadEvidencePointsAsync(rollout.Id, Ct);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, p => Assert.Equal(h.Time.GetUtcNow().ToUnixTimeMilliseconds(), p.At.ToUnixTimeMilliseconds()));
    }

    private static EvidenceRecorder Recorder(ControllerHarness h) => h.Provider.GetRequiredService<EvidenceRecorder>();

    private static async Task<List<EvidencePointRow>> SeriesAsync(ControllerHarness h, string rolloutId, string guardrail)
        => [.. (await ((IEvidenceSeriesStore)h.Store).ReadEvidencePointsAsync(rolloutId, Ct)).Where(p => p.Guardrail == guardrail)];
}
