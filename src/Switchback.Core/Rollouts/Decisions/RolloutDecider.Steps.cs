using System.Collections.Immutable;
using System.Globalization;

namespace Switchback.Core.Rollouts;

/// <summary>Steps: entering one (routing), its deadline and data, and the end of the plan.</summary>
public static partial class RolloutDecider
{
    private static void EnterStep(Tick tick, int index)
    {
        var steps = tick.State.Spec.Steps;
        tick.Update(s => s with
        {
            StepIndex = index,
            StepStartedAt = tick.Now,
            Step = StepCounters.Zero,
            Guardrails = s.Guardrails.ToImmutableSortedDictionary(p => p.Key, p => p.Value with { WindowEvents = 0, WindowTrials = 0, StepBaseline = 0, StepCandidate = 0 }, StringComparer.Ordinal),
        });
        if (index >= steps.Length)
        {
            Finish(tick);
            return;
        }

        var candidate = tick.State.CandidateVersion;
        var step = steps[index];
        var label = Describe(step, index);
        switch (step)
        {
            case ShadowStep shadow:
                tick.Move(RolloutPhase.Shadowing, PhaseReason.None, label);
                tick.Act(new SetRoutingAction(0, candidate, shadow.SampleBps));
                break;
            case PreviewStep preview:
                tick.Move(preview.Mode == PreviewMode.Shadow ? RolloutPhase.Shadowing : RolloutPhase.Progressing, PhaseReason.None, label);
                tick.Act(new SetRoutingAction(0, preview.Mode == PreviewMode.Shadow ? candidate : null, preview.SampleBps));
                break;
            case CanaryStep canary:
                tick.Move(RolloutPhase.Progressing, PhaseReason.None, label);
                tick.Act(new SetRoutingAction(canary.WeightBps, null, 0));
                break;
            default:
                tick.Move(RolloutPhase.Paused, PhaseReason.PlanPause, label);
                break;
        }

        tick.Record(DecisionKind.StepStarted, label);
        if (step is CanaryStep { Duration: null })
        {
            // A final 100 % step with no duration: the switch is the step, nothing is left to measure.
            EnterStep(tick, index + 1);
        }
    }

    private static void Finish(Tick tick)
    {
        var state = tick.State;
        var evidence = tick.AllEvidence();
        if (state.Spec.Strategy == RolloutStrategy.Shadow)
        {
            var text = $"shadow evaluation of {state.Deployment}@{state.CandidateVersion} finished without a breach";
            tick.Move(RolloutPhase.Completed, PhaseReason.None, text);
            tick.Record(DecisionKind.Completed, text, evidence);
            tick.Act(new SetRoutingAction(0, null, 0));
            return;
        }

        var message = $"{state.Deployment}@{state.CandidateVersion} promoted to stable (was {state.StableVersion})"
            + (state.Spec.Unverified ? ", unverified: the plan says 'unverified: true' and nothing was measured before it" : string.Empty);
        tick.Move(RolloutPhase.Promoted, PhaseReason.None, message);
        tick.Record(DecisionKind.Promoted, message, evidence);
        tick.Act(new PromoteAction(state.CandidateVersion, state.Spec.KeepWarm));
        tick.Act(new AlertAction(AlertKind.Promotion, message, evidence));
    }

    /// <summary>At the deadline: advance when every measured arm has its requests, else pause as inconclusive.</summary>
    private static void CheckStep(Tick tick)
    {
        var state = tick.State;
        if (state.CurrentStep is not { Duration: { } duration } step || tick.Now < state.StepStartedAt!.Value + duration)
        {
            return;
        }

        if (state.Phase == RolloutPhase.Paused)
        {
            if (state.Reason == PhaseReason.PlanPause)
            {
                EnterStep(tick, state.StepIndex + 1);
            }

            return;
        }

        if (MissingData(state, step) is { } missing)
        {
            var message = $"{state.Deployment}@{state.CandidateVersion}: {Describe(step, state.StepIndex)} reached its deadline with {missing}: inconclusive, paused (no data is not good data)";
            var evidence = tick.AllEvidence();
            tick.Move(RolloutPhase.Paused, PhaseReason.Inconclusive, message);
            tick.Record(DecisionKind.Inconclusive, message, evidence);
            tick.Act(new AlertAction(AlertKind.Inconclusive, message, evidence));
            return;
        }

        EnterStep(tick, state.StepIndex + 1);
    }

    /// <summary>What data the step lacks, or null when each arm it measures has <c>min_requests</c>.</summary>
    private static string? MissingData(RolloutState state, RolloutStep step)
    {
        var min = step.MinRequests;
        var counters = state.Step;
        var (candidate, arm) = step switch
        {
            ShadowStep => (counters.ShadowRequests, "shadow"),
            PreviewStep { Mode: PreviewMode.Shadow } => (counters.ShadowRequests, "shadow"),
            _ => (counters.CandidateRequests, "candidate"),
        };

        // The baseline is measured whenever it still serves users; at 100 % or behind a preview key there is nothing to compare.
        var needsBaseline = step is ShadowStep or PreviewStep { Mode: PreviewMode.Shadow } or CanaryStep { WeightBps: < 10_000 };
        var missing = new List<string>();
        if (candidate < min)
        {
            missing.Add($"{arm} {candidate}/{min} requests");
        }

        if (needsBaseline && counters.BaselineRequests < min)
        {
            missing.Add($"baseline {counters.BaselineRequests}/{min} requests");
        }

        // No data is not good data, per guardrail: during a canary that still has a baseline, every comparison needs its own
        // evidence on both arms (at least its min_requests, and at least one), and every absolute rule at least one judged
        // trial — thumbs-down with no feedback, an evaluator that sampled nothing, latency when every request failed.
        if (step is CanaryStep { WeightBps: < 10_000 })
        {
            foreach (var guardrail in state.Spec.Guardrails)
            {
                var g = state.Guardrails[guardrail.Key];
                if (guardrail.Rule == GuardrailRule.CompareBaseline)
                {
                    var need = Math.Max(1, guardrail.MinRequests);
                    if (g.StepBaseline < need || g.StepCandidate < need)
                    {
                        missing.Add($"{guardrail.Signal} without enough data (baseline {g.StepBaseline}/{need}, candidate {g.StepCandidate}/{need})");
                    }
                }
                else if (guardrail.Kind != SignalKind.Agreement && g.WindowTrials < 1)
                {
                    missing.Add($"{guardrail.Signal} without data");
                }
            }
        }

        // promote_when: no_harm_shown — the last step with a baseline passes only once every comparison has shown, with
        // error at most its share of alpha, that the candidate is worse by less than the margin.
        if (state.Spec.NoHarmMargin is { } margin && state.StepIndex == state.Spec.LastComparedStep)
        {
            var comparisons = state.Spec.Guardrails.Where(g => g.Rule == GuardrailRule.CompareBaseline).ToList();
            var alpha = Analysis.AlphaSplit.PerGuardrail(state.Spec.Alpha, comparisons.Count);
            foreach (var guardrail in comparisons)
            {
                var shown = state.Guardrails[guardrail.Key].NoHarm is { } noHarm
                    ? NoHarmTest(guardrail, margin).Evidence(noHarm, alpha)
                    : null;
                if (shown is not { Breached: true })
                {
                    missing.Add(string.Create(CultureInfo.InvariantCulture,
                        $"no harm beyond {margin:P0} not yet shown on {guardrail.Signal} (e-value {shown?.EValue ?? 1:G3} of {1 / alpha:G3})"));
                }
            }
        }

        return missing.Count == 0 ? null : string.Join(" and ", missing);
    }

    private static string Describe(RolloutStep step, int index)
    {
        var n = (index + 1).ToString(CultureInfo.InvariantCulture);
        return step switch
        {
            ShadowStep s => $"step {n} (shadow {s.Sample * 100:0.##} % for {s.StepDuration})",
            PreviewStep p => $"step {n} (blue-green bake for {p.Bake}, preview by {(p.Mode == PreviewMode.Key ? "key" : "shadow")})",
            CanaryStep c => c.Duration is { } d ? $"step {n} (canary {c.Weight:0.##} % for {d})" : $"step {n} (canary {c.Weight:0.##} %)",
            PauseStep { Duration: { } d } => $"step {n} (pause for {d})",
            _ => $"step {n} (pause until promoted)",
        };
    }
}
