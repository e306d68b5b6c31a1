namespace Switchback.Core.OfflineEvals.Scorers;

/// <summary><c>exact</c>: the answer equals <c>expected</c>.</summary>
/// <param name="Trim">Ignore white space at both ends (default true).</param>
/// <param name="IgnoreCase">Compare case-insensitively (invariant culture; default false).</param>
public sealed record ExactScorer(bool Trim = true, bool IgnoreCase = false) : LocalScorer
{
    /// <inheritdoc />
    public override string Type => "exact";

    /// <inheritdoc />
    public override bool NeedsExpected => true;

    /// <inheritdoc />
    public override CaseScore Score(EvalCase evalCase, string answer)
    {
        ArgumentNullException.ThrowIfNull(evalCase);
        ArgumentNullException.ThrowIfNull(answer);
        var expected = evalCase.ExpectedText;
        var (a, e) = Trim ? (answer.Trim(), expected.Trim()) : (answer, expected);
        return string.Equals(a, e, IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
            ? CaseScore.Pass("exact match")
            : CaseScore.Fail($"expected \"{Excerpt(e)}\", got \"{Excerpt(a)}\"");
    }
}
