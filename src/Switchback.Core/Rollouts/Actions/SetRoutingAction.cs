namespace Switchback.Core.Rollouts;

/// <summary>Set the deployment's routing: the candidate's weight and the shadow; stable serves the rest.</summary>
/// <param name="CandidateWeightBps">The candidate's share of keys, 0..10,000 basis points.</param>
/// <param name="ShadowVersion">The version receiving mirrored traffic, or null for none.</param>
/// <param name="ShadowSampleBps">Share of requests mirrored, 0..10,000 basis points.</param>
public sealed record SetRoutingAction(int CandidateWeightBps, int? ShadowVersion, int ShadowSampleBps) : RolloutAction;
