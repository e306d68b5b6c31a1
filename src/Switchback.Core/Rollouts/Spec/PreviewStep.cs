namespace Switchback.Core.Rollouts;

/// <summary>The blue-green bake: the candidate is reachable in shadow or by pinning only, for <see cref="Bake"/>.</summary>
/// <param name="Bake">How long the candidate bakes before it takes 100 % at once.</param>
/// <param name="Mode">How the candidate is reachable meanwhile.</param>
/// <param name="Sample">Share of requests mirrored in shadow mode (0 &lt; sample ≤ 1); unused for <see cref="PreviewMode.Key"/>.</param>
/// <param name="StepMinRequests">Candidate requests needed by the end of the bake (0 allowed only for key preview).</param>
public sealed record PreviewStep(TimeSpan Bake, PreviewMode Mode, double Sample, long StepMinRequests) : RolloutStep
{
    /// <inheritdoc />
    public override TimeSpan? Duration => Bake;

    /// <inheritdoc />
    public override long MinRequests => StepMinRequests;

    /// <summary>The shadow sample in basis points (0 for key preview).</summary>
    public int SampleBps => Mode == PreviewMode.Shadow ? Weights.ToBps(Sample * 100) : 0;

    /// <inheritdoc />
    public override string Describe()
        => (Mode == PreviewMode.Shadow ? $"blue-green preview, shadow {StepWords.Percent(Sample * 100)} of requests" : "blue-green preview, reachable by pinning only")
            + StepWords.For(Bake) + StepWords.AtLeast(StepMinRequests, "candidate requests");
}
