namespace Switchback.Core.Rollouts;

/// <summary>Hold the current routing: until <c>rollout promote</c> when <see cref="PauseDuration"/> is null, else for that long.</summary>
/// <param name="PauseDuration">How long to wait; null waits for an operator.</param>
public sealed record PauseStep(TimeSpan? PauseDuration) : RolloutStep
{
    /// <inheritdoc />
    public override TimeSpan? Duration => PauseDuration;

    /// <inheritdoc />
    public override long MinRequests => 0;

    /// <inheritdoc />
    public override string Describe() => PauseDuration is { } d ? $"pause{StepWords.For(d)}" : "pause until `rollout promote`";
}
