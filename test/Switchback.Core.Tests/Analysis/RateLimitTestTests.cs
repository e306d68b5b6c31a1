using Switchback.Core.Analysis;

namespace Switchback.Core.Tests.Analysis;

/// <summary>
/// The one-sample sequential test behind <c>max:</c> rate rules: validity at (and below) the stated limit under continuous
/// monitoring, power above it, and bad input refused. Seeds are fixed, so the outcomes never change from run to run.
/// </summary>
public sealed class RateLimitTestTests
{
    private const double Alpha = 0.05;

    /// <summary>
    /// Events at exactly the limit (the null's boundary) or below it, 40 trials a second for 30 minutes, looked at every
    /// second: an e-process may cross 1/α in at most α of runs; the observed count's exact binomial upper 95 % bound
    /// (Clopper–Pearson) must be at most α, a stricter check than α plus some standard deviations.
    /// </summary>
    [Theory]
    [InlineData(0.05, 0.05)]
    [InlineData(0.01, 0.01)]
    [InlineData(0.20, 0.20)]
    [InlineData(0.05, 0.03)]
    public void ContinuousMonitoring_AtOrBelowTheLimit_CrossesInFewerThanAlphaOfRuns(double limit, double trueRate)
    {
        const int runs = 1600;
        var crossed = 0;
        for (var run = 0; run < runs; run++)
        {
            var rng = new Random(7000 + run);
            var test = new RateLimitTest(limit);
            var state = test.Start();
            for (var second = 0; second < 1800; second++)
            {
                state = test.Update(state, Draw.Binomial(rng, 40, trueRate), 40);
                if (test.Evidence(state, Alpha).Breached)
                {
                    crossed++;
                    break;
                }
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{crossed}/{runs} crossed, upper 95 % bound {ClopperPearson.Interval(crossed, runs).Upper:P2}");
        Assert.True(ClopperPearson.Interval(crossed, runs).Upper <= Alpha, $"{crossed}/{runs} runs crossed at a true rate of {trueRate} against {limit}");
    }

    [Theory]
    [InlineData(0.05, 0.10, 4_000)]
    [InlineData(0.01, 0.03, 4_000)]
    [InlineData(0.20, 0.40, 500)]
    public void AboveTheLimit_ShownWithinAFewThousandTrials(double limit, double trueRate, int within)
    {
        var detected = 0;
        for (var run = 0; run < 100; run++)
        {
            var rng = new Random(9000 + run);
            var test = new RateLimitTest(limit);
            var state = test.Start();
            for (var trials = 0; trials < within && !test.Evidence(state, Alpha).Breached; trials += 10)
            {
                state = test.Update(state, Draw.Binomial(rng, 10, trueRate), 10);
            }

            detected += test.Evidence(state, Alpha).Breached ? 1 : 0;
        }

        Assert.True(detected >= 95, $"{detected}/100 detected {trueRate} against {limit} within {within} trials");
    }

    [Fact]
    public void Evidence_CountsAndAnytimePValue()
    {
        var test = new RateLimitTest(0.05);
        var state = test.Update(test.Update(test.Start(), 30, 100), 0, 0);

        var evidence = test.Evidence(state, 0.01);

        Assert.Equal((0L, 0L, 100L, 30L, 100.0), (evidence.BaselineRequests, evidence.BaselineEvents, evidence.CandidateRequests, evidence.CandidateEvents, evidence.Threshold));
        Assert.True(evidence.Breached);
        Assert.InRange(evidence.PValue, 0, 1 / evidence.EValue);
        Assert.Equal(1.0, test.Evidence(test.Start(), 0.01).EValue, 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Limit_OutsideTheOpenUnitInterval_Refused(double limit)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitTest(limit));

    [Fact]
    public void Update_BadCountsOrAForeignState_Refused()
    {
        var test = new RateLimitTest(0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Update(test.Start(), 5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Update(test.Start(), -1, 4));
        Assert.Throws<ArgumentException>(() => test.Update(new RateLimitTest(0.1, new CountTestOptions { GridSize = 3 }).Start(), 1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Evidence(test.Start(), 0));
    }

}
