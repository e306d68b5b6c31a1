namespace Switchback.Core.Rollouts;

/// <summary>Promote past the current pause (a pause step, a soft breach, an inconclusive step or a manual pause).</summary>
public sealed record PromoteCommand : RolloutCommand;
