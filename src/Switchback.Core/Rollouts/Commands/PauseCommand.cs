namespace Switchback.Core.Rollouts;

/// <summary>Hold the rollout at its current routing.</summary>
/// <param name="Reason">Why, for the history.</param>
public sealed record PauseCommand(string Reason) : RolloutCommand;
