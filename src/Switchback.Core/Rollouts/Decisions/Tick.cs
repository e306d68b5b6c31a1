using System.Collections.Immutable;

namespace Switchback.Core.Rollouts;

/// <summary>The working copy of one reconcile step: the state so far and the actions and decisions it produced. Single-threaded.</summary>
internal sealed class Tick(RolloutState state, DateTimeOffset now)
{
    private readonly List<RolloutAction> _actions = [];

    public RolloutState State { get; private set; } = state;

    public DateTimeOffset Now { get; } = now;

    public bool Changed { get; private set; }

    public void Update(Func<RolloutState, RolloutState> change)
    {
        State = change(State);
        Changed = true;
    }

    public void Act(RolloutAction action)
    {
        _actions.Add(action);
        Changed = true;
    }

    public void Record(DecisionKind kind, string reason, ImmutableArray<GuardrailEvidence> evidence = default)
    {
        var entry = new DecisionRecord(Now, kind, State.StepIndex, reason, evidence.IsDefault ? [] : evidence);
        Update(s => s with { History = s.History.Add(entry) });
    }

    public void Move(RolloutPhase phase, PhaseReason reason, string text)
        => Update(s => s with { Phase = phase, Reason = reason, ReasonText = text });

    /// <summary>Every guardrail's latest evidence, for decisions that rest on all of them (promotion, completion).</summary>
    public ImmutableArray<GuardrailEvidence> AllEvidence()
        => [.. State.Guardrails.Values.Select(g => g.Last).OfType<GuardrailEvidence>()];

    public RolloutDecision ToDecision()
    {
        if (!Changed)
        {
            return new RolloutDecision(State, []);
        }

        var next = State with { UpdatedAt = Now, Generation = State.Generation + 1 };
        return new RolloutDecision(next, [.. _actions]);
    }
}
