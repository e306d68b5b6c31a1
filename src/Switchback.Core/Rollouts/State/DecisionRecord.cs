using System.Collections.Immutable;

namespace Switchback.Core.Rollouts;

/// <summary>One entry of a rollout's history: what was decided, when, why, and on what evidence.</summary>
/// <param name="At">When it was decided.</param>
/// <param name="Kind">What was decided.</param>
/// <param name="StepIndex">The step the rollout was at.</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="Evidence">The guardrail evidence behind it (every guardrail's latest, for breaches and promotions).</param>
public sealed record DecisionRecord(DateTimeOffset At, DecisionKind Kind, int StepIndex, string Reason, ImmutableArray<GuardrailEvidence> Evidence);
