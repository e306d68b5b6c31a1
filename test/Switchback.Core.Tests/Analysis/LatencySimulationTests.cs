namespace Switchback.Core.Tests.Analysis;

/// <summary>Latency guardrails by simulation with fixed seeds; validity as in <see cref="CountRatioTestSimulationTests"/>.</summary>
public sealed class LatencySimulationTests
{
    private const double Alpha = 0.05;
    private const int Runs = 400;

    [Theory]
    [InlineData(0.95, 1.0, 0.25)]
    [InlineData(0.50, 1.0, 0.05)]
    [InlineData(0.99, 1.25, 0.50)]
    public void LatencyGuardrail_AaLogNormal_FalseRollbackRateWithinAlpha(double quantile, double maxRatio, double weight)
    {
        var sim = new LatencySimulation(Rps: 100, weight, quantile, maxRatio, x => x, Seconds: 600);

        var rejections = sim.FirstRejections(Runs, seed: 6000, Alpha);

        CountRatioTestSimulationTests.AssertWithinAlpha(rejections.Count(r => r is not null), Runs, Alpha, "false rollbacks");
    }

    [Fact]
    public void LatencyGuardrail_CandidateAtMaxRatio_FalseRollbackRateWithinAlpha()
    {
        // Every candidate latency exactly max_ratio × a baseline-distributed one: the boundary of the null.
        var sim = new LatencySimulation(Rps: 100, Weight: 0.25, Quantile: 0.95, MaxRatio: 1.25, x => x * 1.25, Seconds: 600);

        var rejections = sim.FirstRejections(Runs, seed: 7000, Alpha);

        CountRatioTestSimulationTests.AssertWithinAlpha(rejections.Count(r => r is not null), Runs, Alpha, "false rollbacks");
    }

    [Fact]
    public void LatencyP95Guardrail_CandidateOnePointFiveTimesSlower_Detected()
    {
        var sim = new LatencySimulation(Rps: 100, Weight: 0.05, Quantile: 0.95, MaxRatio: 1.25, x => x * 1.5, Seconds: 600);

        var rejections = sim.FirstRejections(200, seed: 8000, 0.01 / 3);

        var detected = rejections.Count(r => r is not null) / 200.0;
        Assert.True(detected >= 0.95, $"detected in {detected:P1} of runs");
    }
}
