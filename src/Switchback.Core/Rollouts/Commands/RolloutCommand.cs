namespace Switchback.Core.Rollouts;

/// <summary>An operator command on a rollout.</summary>
public abstract record RolloutCommand;
