namespace Switchback.Core.Analysis;

/// <summary>
/// How a rollout's <c>alpha</c> (its false-rollback budget, over all steps) is shared by its comparative guardrails:
/// Bonferroni, equal shares. Each guardrail's test is anytime-valid, so steps need no share of their own; absolute
/// <c>max:</c> guardrails are rules, not tests, and spend nothing. See docs/statistics.md.
/// </summary>
public static class AlphaSplit
{
    /// <summary>The level each of <paramref name="comparativeGuardrails"/> tests at so that all together stay within <paramref name="alpha"/>.</summary>
    /// <param name="alpha">The rollout's budget, in (0, 1).</param>
    /// <param name="comparativeGuardrails">How many guardrails share it (those with <c>compare: baseline</c> of one severity); 1 or more.</param>
    public static double PerGuardrail(double alpha, int comparativeGuardrails)
    {
        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be between 0 and 1 (e.g. 0.01)");
        }

        if (comparativeGuardrails < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(comparativeGuardrails), comparativeGuardrails, "there must be at least one comparative guardrail to share alpha");
        }

        return alpha / comparativeGuardrails;
    }
}
