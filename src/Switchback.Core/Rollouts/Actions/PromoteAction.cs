namespace Switchback.Core.Rollouts;

/// <summary>Make the candidate stable: stable alias := <see cref="Version"/>, candidate weight 0, candidate cleared.</summary>
/// <param name="Version">The version that becomes stable.</param>
/// <param name="KeepWarm">Blue-green: how long the previous stable stays warm; null otherwise.</param>
public sealed record PromoteAction(int Version, TimeSpan? KeepWarm) : RolloutAction;
