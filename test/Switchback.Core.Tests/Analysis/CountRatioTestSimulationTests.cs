namespace Switchback.Core.Tests.Analysis;

/// <summary>
/// Validity and power by simulation with fixed seeds. Validity: the exact (Clopper–Pearson) upper 95 % bound of the observed
/// false-rollback rate must be at most α — what a rate merely within α plus a few standard deviations could not show (issue 12).
/// The seeds are fixed, so the outcome never changes from run to run.
/// </summary>
public sealed class CountRatioTestSimulationTests
{
    private const double Alpha = 0.05;
    private const int Runs = 800;

    /// <summary>Asserts that <paramref name="rejected"/> of <paramref name="runs"/> bounds the true rate at α with 95 % confidence.</summary>
    internal static void AssertWithinAlpha(int rejected, int runs, double alpha, string what)
    {
        var upper = ClopperPearson.Interval(rejected, runs).Upper;
        TestContext.Current.TestOutputHelper?.WriteLine($"{what}: {rejected}/{runs}, upper 95 % bound {upper:P2}");
        Assert.True(upper <= alpha, $"{what}: {rejected}/{runs} false rollbacks, upper 95 % bound {upper:P2} above alpha {alpha:P0}");
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    [InlineData(0.25)]
    [InlineData(0.50)]
    public void EProcess_AaContinuousMonitoring_FalseRollbackRateWithinAlpha(double weight)
    {
        var sim = new CountSimulation(Rps: 200, BaselineRate: 0.05, CandidateRate: 0.05, Seconds: 1800, _ => weight);

        var rejections = sim.FirstRejections(Runs, seed: 1000, () => new EProcessMonitor(Alpha));

        AssertWithinAlpha(rejections.Count(r => r is not null), Runs, Alpha, $"false rollbacks at weight {weight:P0}");
    }

    [Fact]
    public void EProcess_AaWithWeightChangingBetweenSteps_FalseRollbackRateWithinAlpha()
    {
        // Steps 1 % → 5 % → 25 % → 50 %, five minutes each, with the baseline's rate drifting by the hour meanwhile
        // is not needed: only the split changes, which is what would bias a test that pools the split.
        var sim = new CountSimulation(Rps: 200, BaselineRate: 0.05, CandidateRate: 0.05, Seconds: 1200, StepWeight);

        var rejections = sim.FirstRejections(Runs, seed: 2000, () => new EProcessMonitor(Alpha));

        AssertWithinAlpha(rejections.Count(r => r is not null), Runs, Alpha, "false rollbacks");
    }

    [Fact]
    public void EProcess_NullAtMaxRatio_FalseRollbackRateWithinAlpha()
    {
        // The candidate is exactly max_ratio × worse: the boundary of the null, the hardest case for validity.
        var sim = new CountSimulation(Rps: 200, BaselineRate: 0.02, CandidateRate: 0.03, Seconds: 1200, _ => 0.25);

        var rejections = sim.FirstRejections(Runs, seed: 3000, () => new EProcessMonitor(Alpha, maxRatio: 1.5));

        AssertWithinAlpha(rejections.Count(r => r is not null), Runs, Alpha, "false rollbacks");
    }

    [Fact]
    public void PeekingZTest_AaContinuousMonitoring_FalseRollbackRateFarAboveAlpha()
    {
        // Why the e-process exists: the same A/A data, a fixed-sample test re-run every second.
        var sim = new CountSimulation(Rps: 200, BaselineRate: 0.05, CandidateRate: 0.05, Seconds: 1800, _ => 0.25);

        var rejections = sim.FirstRejections(400, seed: 1000, () => new PeekingZTestMonitor(Alpha));

        var rate = rejections.Count(r => r is not null) / 400.0;
        Assert.True(rate > 4 * Alpha, $"peeking false-rollback rate {rate:P2}");
    }

    [Fact]
    public void EProcess_ErrorRateOneToFivePercentAtFivePercentCanary_DetectedWithinThreeMinutes()
    {
        var sim = new CountSimulation(Rps: 100, BaselineRate: 0.01, CandidateRate: 0.05, Seconds: 180, _ => 0.05);

        var rejections = sim.FirstRejections(300, seed: 4000, () => new EProcessMonitor(0.01 / 3));

        var detected = rejections.Count(r => r is not null) / 300.0;
        Assert.True(detected >= 0.95, $"detected in {detected:P1} of runs");
    }

    [Fact]
    public void EProcess_WeightChangesMidRegression_StillDetects()
    {
        var sim = new CountSimulation(Rps: 100, BaselineRate: 0.01, CandidateRate: 0.02, Seconds: 1200, StepWeight);

        var rejections = sim.FirstRejections(200, seed: 5000, () => new EProcessMonitor(0.01 / 3));

        var detected = rejections.Count(r => r is not null) / 200.0;
        Assert.True(detected >= 0.9, $"detected in {detected:P1} of runs");
    }

    private static double StepWeight(int second) => (second / 300) switch
    {
        0 => 0.01,
        1 => 0.05,
        2 => 0.25,
        _ => 0.50,
    };
}
