namespace Switchback.Core.OnlineEvaluators;

/// <summary>Thrown when an <c>evaluators:</c> configuration is invalid; <see cref="Errors"/> lists every problem found.</summary>
public sealed class EvaluatorOptionsException : FormatException
{
    /// <summary>Creates the exception from at least one error.</summary>
    public EvaluatorOptionsException(IReadOnlyList<EvaluatorOptionsError> errors)
        : base(Describe(errors)) => Errors = errors;

    /// <summary>Every problem found, in document order.</summary>
    public IReadOnlyList<EvaluatorOptionsError> Errors { get; }

    private static string Describe(IReadOnlyList<EvaluatorOptionsError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 0
            ? "invalid evaluator options"
            : "invalid evaluator options: " + string.Join("; ", errors);
    }
}
