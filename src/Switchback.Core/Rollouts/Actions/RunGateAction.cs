namespace Switchback.Core.Rollouts;

/// <summary>Run the offline gate and report a <see cref="GateResult"/> in a later observation.</summary>
/// <param name="Gate">The gate to run.</param>
public sealed record RunGateAction(GateSpec Gate) : RolloutAction;
