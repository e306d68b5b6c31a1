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

    [Fact]
    public async Task Regression_ErrorsUpFivePointsOnTheCandidate_ByUnit_IsRolledBack()
    {
        var world = new ClusteredWorld(AA with { CandidateErrorBoost = 0.05, WeightPercent = 25, Minutes = 10 });
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
