namespace Switchback.Core.Rollouts;

/// <summary>Operator commands: promote, pause, resume, abort, each refused with a reason when it does not apply.</summary>
public static partial class RolloutDecider
{
    /// <summary>Applies an operator command at <paramref name="now"/>; a refusal leaves the state untouched.</summary>
    public static RolloutCommandResult Apply(RolloutState state, RolloutCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        var who = $"the rollout of {state.Deployment}@{state.CandidateVersion}";
        if (state.IsFinished)
        {
            return Refuse($"{who} is finished ({Name(state.Phase)}: {state.ReasonText}); start a new rollout instead");
        }

        var tick = new Tick(state, now);
        switch (command)
        {
            case PromoteCommand:
                if (state.Phase != RolloutPhase.Paused)
                {
                    return Refuse($"{who} is {Name(state.Phase)}, not paused: promote moves a paused rollout past its pause (pause it first to skip a step)");
                }

                tick.Record(DecisionKind.OperatorPromoted, $"promoted by an operator past {state.ReasonText}", tick.AllEvidence());
                EnterStep(tick, state.StepIndex + 1);
                break;
            case PauseCommand pause:
                if (state.Phase is not (RolloutPhase.Shadowing or RolloutPhase.Progressing))
                {
                    return Refuse($"{who} is {Name(state.Phase)}: only a shadowing or progressing rollout can be paused");
                }

                tick.Move(RolloutPhase.Paused, PhaseReason.Operator, $"paused by an operator: {pause.Reason}");
                tick.Record(DecisionKind.Paused, $"paused by an operator: {pause.Reason}");
                break;
            case ResumeCommand:
                if (state.Phase != RolloutPhase.Paused)
                {
                    return Refuse($"{who} is {Name(state.Phase)}, not paused: nothing to resume");
                }

                if (state.Reason == PhaseReason.PlanPause)
                {
                    return Refuse($"{who} is at a pause step of its plan: use promote to go on");
                }

                var phase = state.CurrentStep is ShadowStep or PreviewStep { Mode: PreviewMode.Shadow } ? RolloutPhase.Shadowing : RolloutPhase.Progressing;
                tick.Move(phase, PhaseReason.None, $"resumed: {state.ReasonText}");
                tick.Update(s => s with { StepStartedAt = now });
                tick.Record(DecisionKind.Resumed, $"resumed by an operator; the step's deadline starts again (was paused: {state.ReasonText})");
                break;
            case AbortCommand abort:
                var message = $"aborted by an operator: {abort.Reason}";
                var routed = state.Phase is not (RolloutPhase.Pending or RolloutPhase.Gating);
                tick.Move(RolloutPhase.Aborted, PhaseReason.Operator, message);
                tick.Record(DecisionKind.Aborted, message, tick.AllEvidence());
                if (routed)
                {
                    tick.Act(new RollbackAction("abort", tick.AllEvidence()));
                }

                break;
            default:
                return Refuse($"unknown command {command.GetType().Name}");
        }

        return new RolloutCommandResult(tick.ToDecision(), null);
    }

    private static RolloutCommandResult Refuse(string why) => new(null, why);

    private static string Name(RolloutPhase phase) => phase switch
    {
        RolloutPhase.RolledBack => "rolled back",
        _ => phase.ToString().ToLowerInvariant(),
    };
}
