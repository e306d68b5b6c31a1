using Switchback.Core.OnlineEvaluators;

namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>
/// The per-version window counters the evaluation workers add to (see <see cref="Signals.SignalOptions.CounterNames"/>).
/// Rates are formed by the reader: <c>refusal_rate</c> = <see cref="Refusals"/> / <see cref="ResponsesEvaluated"/>,
/// <c>json_invalid_rate</c> = <see cref="JsonInvalid"/> / <see cref="JsonChecked"/>, and so on.
/// </summary>
public static class EvaluationCounters
{
    /// <summary>Responses the evaluators judged (the denominator of refusal, empty and safety rates).</summary>
    public const string ResponsesEvaluated = "responses_evaluated";

    /// <summary>Evaluated responses in which at least one safety detector fired.</summary>
    public const string SafetyViolations = EvaluationSignals.SafetyViolations;

    /// <summary>Responses to JSON requests that were judged (the denominator of <c>json_invalid_rate</c>).</summary>
    public const string JsonChecked = "json_checked";

    /// <summary>Judged JSON responses that were invalid or did not conform to the requested schema.</summary>
    public const string JsonInvalid = "json_invalid";

    /// <summary>Evaluated responses that open with a refusal.</summary>
    public const string Refusals = "refusals";

    /// <summary>Evaluated responses with nothing but white space.</summary>
    public const string Empty = "empty";

    /// <summary>Sum of evaluated responses' lengths in characters (mean = this / <see cref="ResponsesEvaluated"/>).</summary>
    public const string ResponseLengthSum = "response_length_sum";

    /// <summary>Deny-pattern runs abandoned at their time limit.</summary>
    public const string EvaluatorTimeouts = EvaluationSignals.EvaluatorTimeouts;

    /// <summary>Sampled responses not evaluated because the evaluation queue was full.</summary>
    public const string EvaluatorDropped = "evaluator_dropped";

    /// <summary>Sampled responses not evaluated because they were larger than the capture limit or not an OpenAI answer.</summary>
    public const string EvaluatorSkipped = "evaluator_skipped";

    /// <summary>Every name above, in the order the gateway configures them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ResponsesEvaluated, SafetyViolations, JsonChecked, JsonInvalid, Refusals, Empty, ResponseLengthSum, EvaluatorTimeouts,
        EvaluatorDropped, EvaluatorSkipped,
    ];
}
