using System.Collections.Immutable;

namespace Switchback.Core.Rollouts;

/// <summary>The outcome of a reconcile step: the state to persist, then the actions to execute in order.</summary>
/// <param name="Next">The new state (the same instance when nothing changed).</param>
/// <param name="Actions">What to do once <paramref name="Next"/> is persisted.</param>
public sealed record RolloutDecision(RolloutState Next, ImmutableArray<RolloutAction> Actions);
