namespace Switchback.Core.Rollouts;

/// <summary>Send <see cref="Weight"/> percent of the keys to the candidate for <see cref="Duration"/>.</summary>
/// <param name="Weight">Percent of traffic, 0 &lt; weight ≤ 100; fractions such as 0.5 are allowed (basis-point precision).</param>
/// <param name="StepDuration">How long to hold the weight; null only at 100 %, where the step ends at once.</param>
/// <param name="StepMinRequests">Requests each arm needs by the deadline (the candidate only at 100 %).</param>
public sealed record CanaryStep(double Weight, TimeSpan? StepDuration, long StepMinRequests) : RolloutStep
{
    /// <inheritdoc />
    public override TimeSpan? Duration => StepDuration;

    /// <inheritdoc />
    public override long MinRequests => StepMinRequests;

    /// <summary>The weight in basis points.</summary>
    public int WeightBps => Weights.ToBps(Weight);

    /// <inheritdoc />
    public override string Describe()
        => StepDuration is null
            ? $"canary {StepWords.Percent(Weight)}" // ends at once: nothing is measured, so no minimum applies
            : $"canary {StepWords.Percent(Weight)}{StepWords.For(StepDuration)}{StepWords.AtLeast(StepMinRequests, Weight >= 100 ? "requests to the candidate" : "requests per arm")}";
}
