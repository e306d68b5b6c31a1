namespace Switchback.Core.OnlineEvaluators;

/// <summary>The per-version signal names the evaluators feed, as guardrails and <c>switchback_signal</c> spell them.</summary>
public static class EvaluationSignals
{
    /// <summary>Responses with at least one safety detector firing (count; guardrails usually say <c>max: 0</c>).</summary>
    public const string SafetyViolations = "safety_violations";

    /// <summary>Share of JSON-requested responses that are not valid JSON or do not conform to the requested schema.</summary>
    public const string JsonInvalidRate = "json_invalid_rate";

    /// <summary>Share of evaluated responses that are refusals.</summary>
    public const string RefusalRate = "refusal_rate";

    /// <summary>Share of evaluated responses that are empty or white space only.</summary>
    public const string EmptyRate = "empty_rate";

    /// <summary>Response length in characters (a distribution, compared with the baseline version's).</summary>
    public const string ResponseLength = "response_length";

    /// <summary>Deny-pattern runs abandoned at their time limit (an operational counter, not a model signal).</summary>
    public const string EvaluatorTimeouts = "evaluator_timeouts";
}
