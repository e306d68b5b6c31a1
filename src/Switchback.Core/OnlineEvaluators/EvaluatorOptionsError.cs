namespace Switchback.Core.OnlineEvaluators;

/// <summary>One problem in an <c>evaluators:</c> configuration.</summary>
/// <param name="Path">The field path, e.g. <c>evaluators.safety.deny[1].pattern</c>.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record EvaluatorOptionsError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
