using System.Collections.Immutable;

namespace Switchback.Core.Rollouts;

/// <summary>Send an alert to the rollout's alert targets.</summary>
/// <param name="Kind">Why.</param>
/// <param name="Message">A one-paragraph message with the numbers.</param>
/// <param name="Evidence">The guardrail evidence.</param>
public sealed record AlertAction(AlertKind Kind, string Message, ImmutableArray<GuardrailEvidence> Evidence) : RolloutAction;
