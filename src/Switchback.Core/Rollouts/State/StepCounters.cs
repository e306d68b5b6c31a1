namespace Switchback.Core.Rollouts;

/// <summary>Requests seen on each arm since the current step started.</summary>
/// <param name="BaselineRequests">Requests served by stable.</param>
/// <param name="CandidateRequests">Requests served to users by the candidate (weighted or pinned).</param>
/// <param name="ShadowRequests">Requests mirrored to the candidate.</param>
public sealed record StepCounters(long BaselineRequests, long CandidateRequests, long ShadowRequests)
{
    /// <summary>No requests yet.</summary>
    public static StepCounters Zero { get; } = new(0, 0, 0);
}
