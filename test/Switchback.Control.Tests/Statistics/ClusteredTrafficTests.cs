namespace Switchback.Control.Tests.Statistics;

/// <summary>
/// The false-rollback guarantee on traffic shaped like production (issue 12): sticky heavy-tailed users, clients that fail
/// whatever the version, retries and replica stalls, through the production tracker, observer and decider. The full study
/// with confidence intervals is bench/detection; these runs keep the property under test on every build.
/// </summary>
public sealed class ClusteredTrafficTests
{
    private static readonly WorldOptions AA = new() { Minutes = 20, WeightPercent = 5 };

    [Fact]
    public async Task AA_StickyUsersBadClientsRetriesAndStalls_ByUnit_RollsBackAGoodVersionRarely()
    {
        var world = new ClusteredWorld(AA);
        var rolledBack = 0;
        for (var seed = 1; seed <= 40; seed++)
        {
            rolledBack += (await world.RunAsync(seed)).RolledBack ? 1 : 0;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"by unit: {rolledBack}/40 good versions rolled back");
        Assert.True(rolledBack <= 1, $"{rolledBack} of 40 good versions rolled back (alpha 0.01)");
    }

    /// <summary>The study's ramp: 1 % → 5 % → 25 % while a compressed day lifts the base failure rate and the traffic by half.</summary>
    internal static readonly WorldOptions Ramp = new()
    {
        Minutes = 20,
        Steps = [(1, 5), (5, 5), (25, 10)],
        DriftAmplitude = 0.5,
        DriftPeriodMinutes = 80,
    };

    [Fact]
    public async Task AA_RampWithDailyDrift_ByUnit_RollsBackAGoodVersionRarely_AndTheRoutingFollowsTheSteps()
    {
        var world = new ClusteredWorld(Ramp);
        var rolledBack = 0;
        for (var seed = 1; seed <= 30; seed++)
        {
            var record = new TrafficRecord();
            rolledBack += (await world.RunAsync(seed, record)).RolledBack ? 1 : 0;
            Assert.Equal(20, record.Minutes.Count);
            Assert.InRange(Share(record.Minutes[3]), 0.001, 0.04);
            Assert.InRange(Share(record.Minutes[8]), 0.02, 0.10);
            Assert.InRange(Share(record.Minutes[15]), 0.15, 0.35);
            Assert.True(Traffic(record.Minutes[19]) > 1.25 * Traffic(record.Minutes[0]), "the daily curve lifts the traffic");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"ramp with drift, by unit: {rolledBack}/30 good versions rolled back");
        Assert.True(rolledBack <= 1, $"{rolledBack} of 30 good versions rolled back (alpha 0.01)");

        static long Traffic(MinuteOfTraffic m) => m.Baseline.Requests + m.Candidate.Requests;
        static double Share(MinuteOfTraffic m) => (double)m.Candidate.Requests / Traffic(m);
    }

    [Fact]
    public async Task Regression_ErrorsUpFivePointsOnTheCandidate_ByUnit_IsRolledBack()
    {
        var world = new ClusteredWorld(AA with { CandidateErrorBoost = 0.05, WeightPercent = 25, Minutes = 10 });
        await AssertDetectedInNineOfTen(world);
    }

    /// <summary>
    /// The evaluator world: 25 % canary for 5 minutes at 25 requests a second, a refusal_rate guardrail alone at alpha 0.05,
    /// every successful answer evaluated, 1,000 users with heavy-tailed activity, 3 % of them asking what is refused 40 % of the time (2 % for everyone
    /// else), bad clients and retries as in the other worlds.
    /// </summary>
    internal static readonly WorldOptions Evaluated = new() { Evaluated = true, Alpha = 0.05, WeightPercent = 25, Minutes = 5, RequestsPerSecond = 25, Users = 1_000, EvaluationSampleRate = 1 };

    [Fact]
    public async Task AA_EvaluatorGuardrailOnStickyUsers_ByUnit_FalseRollbackRateWithinAlpha()
    {
        var world = new ClusteredWorld(Evaluated);
        var rolledBack = 0;
        const int Runs = 400;
        for (var seed = 1; seed <= Runs; seed++)
        {
            rolledBack += (await world.RunAsync(seed)).RolledBack ? 1 : 0;
        }

        // As CountRatioTestSimulationTests.AssertWithinAlpha: the exact upper 95 % bound, not the point estimate, must be within alpha.
        var upper = Core.Tests.Analysis.ClopperPearson.Interval(rolledBack, Runs).Upper;
        TestContext.Current.TestOutputHelper?.WriteLine($"refusal_rate by unit: {rolledBack}/{Runs}, upper 95 % bound {upper:P2}");
        Assert.True(upper <= Evaluated.Alpha, $"refusal_rate by unit: {rolledBack}/{Runs} false rollbacks, upper 95 % bound {upper:P2} above alpha {Evaluated.Alpha:P0}");
    }

    [Fact]
    public async Task AA_EvaluatorGuardrailOnStickyUsers_ByRequest_RollsBackGoodVersionsFarMoreOftenThanAlpha()
    {
        // The same worlds judged the way evaluator signals were before units: every evaluated answer independent.
        var world = new ClusteredWorld(Evaluated with { Keyed = false });
        var rolledBack = 0;
        const int Runs = 40;
        for (var seed = 1; seed <= Runs; seed++)
        {
            rolledBack += (await world.RunAsync(seed)).RolledBack ? 1 : 0;
        }

        var lower = Core.Tests.Analysis.ClopperPearson.Interval(rolledBack, Runs).Lower;
        TestContext.Current.TestOutputHelper?.WriteLine($"refusal_rate by request: {rolledBack}/{Runs}, lower 95 % bound {lower:P2}");
        Assert.True(lower > Evaluated.Alpha, $"by request {rolledBack}/{Runs}: the clustered world should defeat the per-request analysis");
    }

    [Fact]
    public async Task Regression_CandidateRefusesThreeTimesAsOften_ByUnit_IsRolledBack()
    {
        // 5,000 users at 50 requests a second, half the answers evaluated: a user's first evaluated answer is the evidence.
        var world = new ClusteredWorld(Evaluated with { CandidateRefusalFactor = 3, Minutes = 10, Users = 5_000, RequestsPerSecond = 50, EvaluationSampleRate = 0.5 });
        await AssertDetectedInNineOfTen(world);
    }

    [Fact]
    public async Task AA_ThumbsDownGuardrailOnStickyUsers_ByUnit_FalseRollbackRateWithinAlpha()
    {
        // The evaluator world's users, a third of the answers voted on, the same propensities as thumbs-down.
        var voted = Evaluated with { Evaluated = false, Voted = true, EvaluationSampleRate = 0.3 };
        var byUnit = 0;
        var byVote = 0;
        const int Runs = 300;
        const int VoteRuns = 40;
        for (var seed = 1; seed <= Runs; seed++)
        {
            byUnit += (await new ClusteredWorld(voted).RunAsync(seed)).RolledBack ? 1 : 0;
            byVote += seed <= VoteRuns && (await new ClusteredWorld(voted with { Keyed = false }).RunAsync(seed)).RolledBack ? 1 : 0;
        }

        var upper = Core.Tests.Analysis.ClopperPearson.Interval(byUnit, Runs).Upper;
        var lower = Core.Tests.Analysis.ClopperPearson.Interval(byVote, VoteRuns).Lower;

        // Per vote is shown, not asserted: with a third of the answers voted on it rolled back 4 of 40 good versions, above
        // alpha but not provably so in 40 runs (the evaluator test above asserts that contrast on the same users).
        TestContext.Current.TestOutputHelper?.WriteLine($"thumbs_down_rate by unit: {byUnit}/{Runs}, upper 95 % bound {upper:P2}; by vote {byVote}/{VoteRuns}, lower bound {lower:P2}");
        Assert.True(upper <= voted.Alpha, $"by unit {byUnit}/{Runs}, upper 95 % bound {upper:P2} above alpha");
    }

    /// <summary>Runs seeds 1–10 and asserts that at least 9 were rolled back (printing when).</summary>
    private static async Task AssertDetectedInNineOfTen(ClusteredWorld world)
    {
        var detected = 0;
        var seconds = new List<int>();
        for (var seed = 1; seed <= 10; seed++)
        {
            var (back, after) = await world.RunAsync(seed);
            detected += back ? 1 : 0;
            seconds.Add(after);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"detected {detected}/10, seconds {string.Join(",", seconds)}");
        Assert.True(detected >= 9, $"{detected}/10 detected");
    }
}
