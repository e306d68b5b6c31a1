using System.Collections.Immutable;

namespace Switchback.Core.OfflineEvals.Scorers;

/// <summary>
/// <c>contains</c>: the answer contains the expected text(s): <c>all</c> of them (default) or <c>any</c>. With <c>all</c>
/// the score is the share found, so a partly right answer scores between 0 and 1.
/// </summary>
/// <param name="Any">True for <c>mode: any</c>.</param>
/// <param name="IgnoreCase">Compare case-insensitively (default false).</param>
public sealed record ContainsScorer(bool Any = false, bool IgnoreCase = false) : LocalScorer
{
    /// <inheritdoc />
    public override string Type => "contains";

    /// <inheritdoc />
    public override bool NeedsExpected => true;

    /// <summary>The texts to look for: <c>expected</c> as one text, or each item of an <c>expected</c> list.</summary>
    public static ImmutableArray<string> Needles(EvalCase evalCase)
    {
        ArgumentNullException.ThrowIfNull(evalCase);
        return evalCase.Expected is System.Text.Json.Nodes.JsonArray list
            ? [.. list.Select(item => item?.GetValueKind() == System.Text.Json.JsonValueKind.String ? item.GetValue<string>() : item?.ToJsonString() ?? "null")]
            : [evalCase.ExpectedText];
    }

    /// <inheritdoc />
    public override CaseScore Score(EvalCase evalCase, string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var needles = Needles(evalCase);
        var comparison = IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var missing = needles.Where(n => !answer.Contains(n, comparison)).ToList();
        var found = needles.Length - missing.Count;
        if (Any)
        {
            return found > 0 ? CaseScore.Pass($"found {found} of {needles.Length}") : CaseScore.Fail($"none of {needles.Length} found, e.g. \"{Excerpt(needles[0])}\"");
        }

        return missing.Count == 0
            ? CaseScore.Pass($"found all {needles.Length}")
            : new CaseScore((double)found / needles.Length, $"missing \"{Excerpt(missing[0])}\"" + (missing.Count > 1 ? $" and {missing.Count - 1} more" : string.Empty));
    }
}
