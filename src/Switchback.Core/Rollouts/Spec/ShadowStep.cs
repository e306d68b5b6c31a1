namespace Switchback.Core.Rollouts;

/// <summary>Mirror <see cref="Sample"/> of the requests to the candidate for <see cref="Duration"/>; users see stable only.</summary>
/// <param name="StepDuration">How long to shadow.</param>
/// <param name="Sample">Share of requests mirrored, 0 &lt; sample ≤ 1.</param>
/// <param name="StepMinRequests">Shadow requests (and baseline requests) needed by the deadline.</param>
public sealed record ShadowStep(TimeSpan StepDuration, double Sample, long StepMinRequests) : RolloutStep
{
    /// <inheritdoc />
    public override TimeSpan? Duration => StepDuration;

    /// <inheritdoc />
    public override long MinRequests => StepMinRequests;

    /// <summary>The sample in basis points.</summary>
    public int SampleBps => Weights.ToBps(Sample * 100);

    /// <inheritdoc />
    public override string Describe()
        => $"shadow {StepWords.Percent(Sample * 100)} of requests{StepWords.For(StepDuration)}{StepWords.AtLeast(StepMinRequests, "mirrored requests")}";
}
