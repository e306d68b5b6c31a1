namespace Switchback.Core.Rollouts;

/// <summary>The outcome of an operator command: a decision, or a refusal saying why nothing changed.</summary>
/// <param name="Decision">The new state and actions; null when refused.</param>
/// <param name="Refusal">Why the command was refused; null when accepted.</param>
public sealed record RolloutCommandResult(RolloutDecision? Decision, string? Refusal)
{
    /// <summary>Whether the command was accepted.</summary>
    public bool Accepted => Decision is not null;
}
