namespace Switchback.Core.Rollouts;

/// <summary>
/// The pure reconcile step of a rollout (after argo-rollouts' canary.go): <see cref="Decide"/> folds one observation into the
/// state and says what to do; <see cref="Apply"/> does the same for an operator command. No I/O, no clock: time is passed in.
/// The controller persists <see cref="RolloutDecision.Next"/> first, then executes the actions. See docs/rollouts.md.
/// </summary>
public static partial class RolloutDecider
{
    /// <summary>Folds <paramref name="observation"/> into <paramref name="state"/> at <paramref name="now"/> and decides the next step.</summary>
    public static RolloutDecision Decide(RolloutState state, RolloutObservation observation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(observation);
        if (state.IsFinished)
        {
            // A finished rollout never moves again: above all, a rollback is never followed by a promotion.
            return new RolloutDecision(state, []);
        }

        var tick = new Tick(state, now);
        switch (state.Phase)
        {
            case RolloutPhase.Pending:
                Start(tick);
                break;
            case RolloutPhase.Gating:
                JudgeGate(tick, observation.Gate);
                break;
            default:
                Count(tick, observation);
                if (JudgeGuardrails(tick, observation) && !tick.State.IsFinished)
                {
                    CheckStep(tick);
                }

                break;
        }

        return tick.ToDecision();
    }

    private static void Start(Tick tick)
    {
        if (tick.State.Spec.Gate is { } gate)
        {
            tick.Move(RolloutPhase.Gating, PhaseReason.None, $"running the gate on {gate.Dataset}");
            tick.Record(DecisionKind.GateRequested, $"gate on {gate.Dataset} before any user traffic");
            tick.Act(new RunGateAction(gate));
            return;
        }

        EnterStep(tick, 0);
    }

    private static void JudgeGate(Tick tick, GateResult? result)
    {
        if (result is null)
        {
            return;
        }

        var gate = tick.State.Spec.Gate!;
        var problems = new List<string>();
        if (gate.MinScore is { } min && !(result.CandidateScore >= min))
        {
            problems.Add($"score {result.CandidateScore:G4} is below min_score {min:G4}");
        }

        if (gate.MaxDropVsStable is { } maxDrop)
        {
            if (result.StableScore is not { } stable)
            {
                problems.Add("stable's score is missing, so max_drop_vs_stable cannot be checked");
            }
            else if (!(stable - result.CandidateScore <= maxDrop + 1e-12))
            {
                problems.Add($"score {result.CandidateScore:G4} is {stable - result.CandidateScore:G4} below stable's {stable:G4} (max_drop_vs_stable {maxDrop:G4})");
            }
        }

        var reports = result.Summary is { } summary ? $" ({summary})" : string.Empty;
        if (problems.Count == 0)
        {
            tick.Record(DecisionKind.GatePassed, $"gate passed: score {result.CandidateScore:G4}" + (result.StableScore is { } s ? $", stable {s:G4}" : string.Empty) + reports);
            EnterStep(tick, 0);
            return;
        }

        var message = $"gate on {gate.Dataset} failed for {tick.State.Deployment}@{tick.State.CandidateVersion}: {string.Join("; ", problems)}{reports}";
        tick.Move(RolloutPhase.Aborted, PhaseReason.GateFailed, message);
        tick.Record(DecisionKind.GateFailed, message);
        tick.Act(new AlertAction(AlertKind.GateFailed, message, []));
    }
}
