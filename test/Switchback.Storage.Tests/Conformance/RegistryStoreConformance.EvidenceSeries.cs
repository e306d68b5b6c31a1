using Switchback.Storage.Fleet;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    private IEvidenceSeriesStore Evidence => (IEvidenceSeriesStore)Store;

    private static EvidencePointRow Point(string rollout, string guardrail, int second, double e, bool byUnit = false, double? threshold = 199.5)
        => new(rollout, guardrail, Start.AddSeconds(second), e, threshold, second, 10L * second, 2L * second, 10L * second, byUnit);

    [Fact]
    public async Task EvidencePoints_AppendAndRead_RoundTripsEveryFieldBySeriesThenTime()
    {
        await Evidence.AppendEvidencePointsAsync(
        [
            Point("r-1", "latency_p95:compare", 2, 0.25, byUnit: true),
            Point("r-1", "error_rate:compare", 3, double.MaxValue),
            Point("r-1", "error_rate:compare", 1, 1e-9),
            Point("r-2", "error_rate:compare", 1, 7),
            Point("r-1", "error_rate:compare", 0, 1, threshold: null),
        ], keepAtMost: 100, fence: null, Ct);
        await Evidence.AppendEvidencePointsAsync([Point("r-1", "error_rate:compare", 1, 42)], keepAtMost: 100, fence: null, Ct);

        var other = (IEvidenceSeriesStore)Open(Database);
        var read = await other.ReadEvidencePointsAsync("r-1", Ct);

        Assert.Equal(
            [("error_rate:compare", 0L, 1.0), ("error_rate:compare", 1L, 1e-9), ("error_rate:compare", 3L, double.MaxValue), ("latency_p95:compare", 2L, 0.25)],
            read.Select(p => (p.Guardrail, (p.At.ToUnixTimeMilliseconds() - Start.ToUnixTimeMilliseconds()) / 1000, p.EValue)));
        var unit = read[3];
        Assert.Null(read[0].Threshold);
        Assert.Equal((199.5, 2L, 20L, 4L, 20L, true), (unit.Threshold, unit.BaselineEvents, unit.BaselineTrials, unit.CandidateEvents, unit.CandidateTrials, unit.ByUnit));
        Assert.Equal(Start.ToUnixTimeMilliseconds() + 2_000, unit.At.ToUnixTimeMilliseconds());
        Assert.Empty(await other.ReadEvidencePointsAsync("r-unknown", Ct));
    }

    [Fact]
    public async Task EvidencePoints_OverTheBound_AreThinnedKeepingTheFirstAndTheLatest()
    {
        for (var s = 0; s < 25; s++)
        {
            await Evidence.AppendEvidencePointsAsync([Point("r-1", "error_rate:compare", s, s + 1), Point("r-1", "latency_p95:compare", s, 1)], keepAtMost: 10, fence: null, Ct);
        }

        var read = await Evidence.ReadEvidencePointsAsync("r-1", Ct);
        var errors = read.Where(p => p.Guardrail == "error_rate:compare").Select(p => p.EValue).ToList();

        Assert.InRange(errors.Count, 6, 10);
        Assert.Equal(1, errors[0]);
        Assert.Equal(25, errors[^1]);
        Assert.Equal(errors.Order(), errors);
        Assert.Equal(errors.Count, read.Count(p => p.Guardrail == "latency_p95:compare"));
    }

    [Fact]
    public async Task EvidencePoints_DeposedLeader_IsRefusedAndStoresNothing()
    {
        var old = await Fleet.TryTakeLeaseAsync("old", null, Ct);
        var current = await Fleet.TryTakeLeaseAsync("new", old, Ct);

        await Assert.ThrowsAsync<FencedException>(() => Evidence.AppendEvidencePointsAsync([Point("r-1", "error_rate:compare", 1, 3)], 100, old!.Fence, Ct));
        await Evidence.AppendEvidencePointsAsync([Point("r-1", "error_rate:compare", 2, 4)], 100, current!.Fence, Ct);

        Assert.Equal([4.0], (await Evidence.ReadEvidencePointsAsync("r-1", Ct)).Select(p => p.EValue));
    }

    [Fact]
    public async Task EvidencePoints_NotFiniteOrKeyTooLong_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Evidence.AppendEvidencePointsAsync([Point("r-1", "g", 1, double.NaN)], 100, null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Evidence.AppendEvidencePointsAsync([Point(new string('r', 201), "g", 1, 1)], 100, null, Ct));

        Assert.Equal(0, await CountAsync("evidence_points"));
    }
}
