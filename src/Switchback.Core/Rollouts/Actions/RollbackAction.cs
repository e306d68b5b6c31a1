using System.Collections.Immutable;

namespace Switchback.Core.Rollouts;

/// <summary>Route 100 % back to stable, clear the candidate alias and the shadow.</summary>
/// <param name="Trigger">What caused it: the guardrail key (e.g. <c>error_rate:compare</c>) or <c>abort</c>.</param>
/// <param name="Evidence">The evidence of the breach.</param>
public sealed record RollbackAction(string Trigger, ImmutableArray<GuardrailEvidence> Evidence) : RolloutAction;
