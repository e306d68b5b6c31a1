namespace Switchback.Core.Rollouts;

/// <summary>Continue a paused step; its deadline starts again.</summary>
public sealed record ResumeCommand : RolloutCommand;
