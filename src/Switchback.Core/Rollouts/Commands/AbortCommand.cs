namespace Switchback.Core.Rollouts;

/// <summary>Stop the rollout and route everything back to stable.</summary>
/// <param name="Reason">Why, for the history.</param>
public sealed record AbortCommand(string Reason) : RolloutCommand;
