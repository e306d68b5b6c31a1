using System.Collections.Immutable;
using Switchback.Core.Analysis;
using Switchback.Core.Rollouts;

namespace Switchback.Core.Tests.Rollouts;

/// <summary>Builds rollouts from YAML and drives them through the decider with synthetic traffic.</summary>
internal static class Rollouts
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    public const string Guardrails = "\n" + """
        guardrails:
          - { signal: error_rate, compare: baseline, severity: hard }
          - { signal: upstream_oom, max: 0, severity: hard }
          - { signal: thumbs_down_rate, compare: baseline, severity: soft }
        """;

    public static RolloutState Start(string body, int stable = 7, int candidate = 8)
        => RolloutState.Create("r-1", SpecText.Valid(SpecText.Header + body), stable, candidate, T0);

    /// <summary>An interval with traffic split by the state's routing and the given error rates per arm.</summary>
    public static RolloutObservation Traffic(DateTimeOffset end, long baseline, long candidate, long baselineErrors = 0, long candidateErrors = 0,
        long shadow = 0, long oom = 0)
    {
        var arm = new ArmInterval(baseline, baselineErrors, candidate + shadow, candidateErrors);
        return new RolloutObservation(end)
        {
            BaselineRequests = baseline,
            CandidateRequests = candidate,
            ShadowRequests = shadow,
            Comparisons = ImmutableDictionary<string, ArmInterval>.Empty
                .Add("error_rate", arm)
                .Add("thumbs_down_rate", new ArmInterval(baseline, 0, candidate + shadow, 0)),
            Absolute = ImmutableDictionary<string, SignalCount>.Empty.Add("upstream_oom", new SignalCount(oom, candidate + shadow)),
        };
    }

    /// <summary>Healthy traffic in proportion to the current routing, 1000 requests a minute.</summary>
    public static RolloutObservation Healthy(RolloutState state, DateTimeOffset end)
    {
        var (weight, shadow) = Routing(state);
        var candidate = 1000L * weight / 10_000;
        return Traffic(end, 1000 - candidate, candidate, shadow: 1000L * shadow / 10_000);
    }

    /// <summary>The routing the actions so far have set: candidate weight and shadow sample in basis points.</summary>
    public static (int Weight, int Shadow) Routing(RolloutState state)
    {
        var step = state.CurrentStep;
        return step switch
        {
            CanaryStep c => (c.WeightBps, 0),
            ShadowStep s => (0, s.SampleBps),
            PreviewStep p => (0, p.SampleBps),
            _ => state.StepIndex > 0 && state.Spec.Steps[..state.StepIndex].OfType<CanaryStep>().LastOrDefault() is { } last ? (last.WeightBps, 0) : (0, 0),
        };
    }

    /// <summary>Ticks every minute with healthy traffic until the rollout finishes or pauses or <paramref name="minutes"/> pass.</summary>
    public static (RolloutState State, List<RolloutAction> Actions, DateTimeOffset Now) RunHealthy(RolloutState state, DateTimeOffset now, int minutes)
    {
        var actions = new List<RolloutAction>();
        for (var i = 0; i < minutes && !state.IsFinished && state.Phase != RolloutPhase.Paused; i++)
        {
            now = now.AddMinutes(1);
            var decision = RolloutDecider.Decide(state, Healthy(state, now), now);
            state = decision.Next;
            actions.AddRange(decision.Actions);
        }

        return (state, actions, now);
    }
}
