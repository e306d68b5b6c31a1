namespace Switchback.Core.OfflineEvals;

/// <summary>One problem in an evaluation dataset.</summary>
/// <param name="Line">The 1-based line number; 0 for the dataset as a whole.</param>
/// <param name="Field">The field path in that line (e.g. <c>scorer.pattern</c>), or <c>(line)</c> when the line as a whole is at fault.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record EvalDatasetError(int Line, string Field, string Message)
{
    /// <summary>The field of problems with a whole line.</summary>
    public const string LineField = "(line)";

    /// <inheritdoc />
    public override string ToString() => Line == 0 ? $"dataset: {Message}" : $"line {Line}: {Field}: {Message}";
}
