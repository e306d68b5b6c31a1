using Switchback.Core.Rollouts;
using Switchback.Core.Routing;

namespace Switchback.Control.Rollouts;

/// <summary>The routing a rollout's actions and phases imply; pure.</summary>
internal static class RolloutRouting
{
    /// <summary>The routing after <paramref name="action"/>, starting from <paramref name="current"/>.</summary>
    public static RoutingState Apply(RoutingState current, RolloutState rollout, SetRoutingAction action)
        => current with
        {
            StableVersion = rollout.StableVersion,
            CandidateVersion = action.CandidateWeightBps > 0 || action.ShadowVersion is not null || rollout.Phase == RolloutPhase.Progressing
                ? rollout.CandidateVersion
                : null,
            CandidateWeightBps = action.CandidateWeightBps,
            ShadowVersion = action.ShadowVersion,
            ShadowSampleBps = action.ShadowVersion is null ? 0 : action.ShadowSampleBps,
            Salt = rollout.Id,
        };

    /// <summary>The candidate becomes stable: 100 % to it, no candidate, no shadow.</summary>
    public static RoutingState Promote(RoutingState current, int version)
        => current with { StableVersion = version, CandidateVersion = null, CandidateWeightBps = 0, ShadowVersion = null, ShadowSampleBps = 0, Salt = null };

    /// <summary>100 % to <paramref name="version"/>, no candidate, no shadow.</summary>
    public static RoutingState Only(RoutingState current, int version) => Promote(current, version);

    /// <summary>
    /// The routing a rollout should have now, or null when nothing is owed: used after a restart, since the state is persisted
    /// before its actions run and a crash in between leaves the routing behind. For finished rollouts, only routing that still
    /// names the candidate is corrected, so a later manual change is never undone.
    /// </summary>
    public static RoutingState? Expected(RoutingState current, RolloutState rollout)
    {
        var candidate = rollout.CandidateVersion;
        var namesCandidate = current.CandidateVersion == candidate || current.ShadowVersion == candidate;
        switch (rollout.Phase)
        {
            case RolloutPhase.Promoted:
                return current.StableVersion != candidate && namesCandidate ? Promote(current, candidate) : null;
            case RolloutPhase.RolledBack or RolloutPhase.Aborted or RolloutPhase.Completed:
                return namesCandidate ? current with { CandidateVersion = null, CandidateWeightBps = 0, ShadowVersion = null, ShadowSampleBps = 0, Salt = null } : null;
            case RolloutPhase.Pending or RolloutPhase.Gating:
                return null;
        }

        if (rollout.StepStartedAt is null)
        {
            return null;
        }

        // A pause step keeps the routing of the step before it.
        var steps = rollout.Spec.Steps;
        for (var i = Math.Min(rollout.StepIndex, steps.Length - 1); i >= 0; i--)
        {
            var action = steps[i] switch
            {
                ShadowStep s => new SetRoutingAction(0, candidate, s.SampleBps),
                PreviewStep p => new SetRoutingAction(0, p.Mode == PreviewMode.Shadow ? candidate : null, p.SampleBps),
                CanaryStep c => new SetRoutingAction(c.WeightBps, null, 0),
                _ => null,
            };
            if (action is not null)
            {
                return Apply(current, rollout with { Phase = RolloutPhase.Progressing }, action);
            }
        }

        return Apply(current, rollout with { Phase = RolloutPhase.Progressing }, new SetRoutingAction(0, null, 0));
    }
}
