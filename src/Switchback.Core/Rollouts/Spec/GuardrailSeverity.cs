namespace Switchback.Core.Rollouts;

/// <summary>What a guardrail breach does.</summary>
public enum GuardrailSeverity
{
    /// <summary>Roll back at once; the rollout is over.</summary>
    Hard,

    /// <summary>Pause the rollout and alert a human.</summary>
    Soft,
}
