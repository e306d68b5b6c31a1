namespace Switchback.Core.Rollouts;

/// <summary>What a guardrail compares its signal with.</summary>
public enum GuardrailRule
{
    /// <summary><c>compare: baseline</c>: an anytime-valid test of candidate against stable, up to <c>max_ratio</c>.</summary>
    CompareBaseline,

    /// <summary><c>max:</c> an absolute upper limit: events for count signals, a rate 0..1 for rate signals (tested sequentially over the rollout).</summary>
    Max,

    /// <summary><c>min:</c> an absolute lower limit on a rate 0..1, tested sequentially over the rollout (only <c>shadow_agreement</c>).</summary>
    Min,
}
