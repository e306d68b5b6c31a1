using Switchback.Core.Analysis;

namespace Switchback.Core.Tests.Analysis;

/// <summary>
/// The mirror test behind <c>promote_when: no_harm_shown</c>: it may show "worse by less than the margin" for a candidate
/// exactly at the margin in at most α of runs, and shows it for an equal candidate; the power cost is printed and in
/// docs/statistics.md. Seeds are fixed.
/// </summary>
public sealed class NoHarmTestTests
{
    private const double Alpha = 0.05;

    [Theory]
    [InlineData(1.2, 0.05)]
    [InlineData(1.5, 0.02)]
    public void CandidateExactlyAtTheHarmRatio_ShownHarmlessInFewerThanAlphaOfRuns(double harmRatio, double baseRate)
    {
        var (shown, _) = Run(runs: 800, seed: 100, harmRatio, baseRate, candidateRatio: harmRatio, seconds: 1800);

        TestContext.Current.TestOutputHelper?.WriteLine($"{shown}/800 shown harmless at the boundary");
        Assert.True(shown <= 800 * Alpha, $"{shown}/800 candidates at {harmRatio}× shown harmless (alpha {Alpha})");
    }

    [Theory]
    [InlineData(1.2, 0.05, 1.0)]
    [InlineData(1.5, 0.05, 1.0)]
    [InlineData(1.2, 0.05, 0.8)]
    public void CandidateNoWorse_ShownHarmlessWithinHalfAnHour(double harmRatio, double baseRate, double candidateRatio)
    {
        var (shown, seconds) = Run(runs: 200, seed: 500, harmRatio, baseRate, candidateRatio, seconds: 1800);

        seconds.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine($"{shown}/200 shown; median {seconds[seconds.Count / 2]} s, 90th percentile {seconds[seconds.Count * 9 / 10]} s at 100 req/s per arm");
        Assert.True(shown >= 190, $"{shown}/200 shown harmless within 30 minutes");
    }

    [Fact]
    public void NoHarm_IsTheForwardTestMirrored_AndRefusesEvidenceOfHarm()
    {
        var noHarm = CountRatioTest.NoHarm(1.2);
        var state = noHarm.Start();

        // The candidate errs twice as often: never evidence of no harm. Then equal rates for long enough: evidence.
        state = noHarm.Update(state, new ArmInterval(10_000, 100, 10_000, 200));
        Assert.True(noHarm.EValue(state) < 1);
        var equal = noHarm.Update(noHarm.Start(), new ArmInterval(20_000, 1_000, 20_000, 1_000));
        Assert.True(noHarm.Evidence(equal, Alpha).Breached);
        Assert.Equal(1.2, noHarm.MaxRatio);
    }

    /// <summary>Runs of a canary at 50 %, 200 req/s, the baseline at <paramref name="baseRate"/>, looked at every second.</summary>
    private static (int Shown, List<int> Seconds) Run(int runs, int seed, double harmRatio, double baseRate, double candidateRatio, int seconds)
    {
        var shown = 0;
        var times = new List<int>();
        for (var run = 0; run < runs; run++)
        {
            var rng = new Random(seed + run);
            var test = CountRatioTest.NoHarm(harmRatio);
            var state = test.Start();
            var at = seconds;
            for (var second = 1; second <= seconds; second++)
            {
                state = test.Update(state, new ArmInterval(100, Draw.Binomial(rng, 100, baseRate), 100, Draw.Binomial(rng, 100, baseRate * candidateRatio)));
                if (test.Evidence(state, Alpha).Breached)
                {
                    shown++;
                    at = second;
                    break;
                }
            }

            times.Add(at);
        }

        return (shown, times);
    }
}
