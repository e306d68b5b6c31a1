using Switchback.Core.Routing;

namespace Switchback.Core.Tests.Routing;

public sealed class RoutingStateTests
{
    [Fact]
    public void IsValid_ConsistentState_ReturnsTrue()
    {
        var state = new RoutingState("support-bot", 7, CandidateVersion: 8, CandidateWeightBps: 500, ShadowVersion: 8, ShadowSampleBps: 10_000, Generation: 3);
        Assert.True(state.IsValid(out var error), error);
        state.Validate();
    }

    [Theory]
    [InlineData("Support", 1, null, 0, null, 0, StickySource.Header, 0, "deployment")]
    [InlineData("support-bot", 0, null, 0, null, 0, StickySource.Header, 0, "stable version must be 1 or more")]
    [InlineData("support-bot", 7, 7, 100, null, 0, StickySource.Header, 0, "must differ from stable")]
    [InlineData("support-bot", 7, 0, 100, null, 0, StickySource.Header, 0, "candidate version must be 1 or more")]
    [InlineData("support-bot", 7, 8, 10_001, null, 0, StickySource.Header, 0, "candidate weight must be 0..10000")]
    [InlineData("support-bot", 7, 8, -1, null, 0, StickySource.Header, 0, "candidate weight must be 0..10000")]
    [InlineData("support-bot", 7, null, 100, null, 0, StickySource.Header, 0, "there is no candidate version")]
    [InlineData("support-bot", 7, null, 0, null, 100, StickySource.Header, 0, "there is no shadow version")]
    [InlineData("support-bot", 7, null, 0, 8, 20_000, StickySource.Header, 0, "shadow sample must be 0..10000")]
    [InlineData("support-bot", 7, null, 0, 7, 100, StickySource.Header, 0, "shadow version 7 is the stable version")]
    [InlineData("support-bot", 7, null, 0, null, 0, (StickySource)9, 0, "sticky source 9")]
    [InlineData("support-bot", 7, null, 0, null, 0, StickySource.Header, -1, "generation must be 0 or more")]
    public void IsValid_InconsistentState_NamesTheProblem(
        string deployment, int stable, int? candidate, int weight, int? shadow, int sample, StickySource source, long generation, string expected)
    {
        var state = new RoutingState(deployment, stable, candidate, weight, shadow, sample, source, generation);

        Assert.False(state.IsValid(out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains(deployment, error, StringComparison.Ordinal);
        var thrown = Assert.Throws<ArgumentException>(state.Validate);
        Assert.Equal(error, thrown.Message);
    }
}
