using System.Collections.Immutable;

namespace Switchback.Core.OfflineEvals;

/// <summary>The report of one evaluation run of a dataset against one version.</summary>
/// <param name="Deployment">The deployment evaluated.</param>
/// <param name="Version">The version evaluated.</param>
/// <param name="BundleDigest">The version's bundle digest.</param>
/// <param name="DatasetDigest"><c>sha256:</c> of the dataset's bytes.</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="FinishedAt">When the last case finished.</param>
/// <param name="PassThreshold">The score a case needed to pass.</param>
/// <param name="Cases">Per-case results, in dataset order.</param>
/// <param name="Aggregate">Over all cases.</param>
/// <param name="ByScorer">Per scorer type.</param>
public sealed record EvalReport(
    string Deployment,
    int Version,
    string BundleDigest,
    string DatasetDigest,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    double PassThreshold,
    ImmutableArray<EvalCaseResult> Cases,
    ScorerAggregate Aggregate,
    ImmutableSortedDictionary<string, ScorerAggregate> ByScorer)
{
    /// <summary>How much of each answer the report keeps.</summary>
    public const int AnswerExcerptChars = 200;

    /// <summary>Builds the report and its aggregates from the per-case results.</summary>
    public static EvalReport Build(
        string deployment, int version, string bundleDigest, EvalDataset dataset, DateTimeOffset startedAt, DateTimeOffset finishedAt, IReadOnlyList<EvalCaseResult> cases)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(cases);
        var byScorer = cases.GroupBy(c => c.Scorer, StringComparer.Ordinal)
            .ToImmutableSortedDictionary(g => g.Key, g => ScorerAggregate.Of(g.ToList()), StringComparer.Ordinal);
        return new EvalReport(deployment, version, bundleDigest, dataset.Digest, startedAt, finishedAt, dataset.PassThreshold,
            [.. cases], ScorerAggregate.Of([.. cases]), byScorer);
    }

    /// <summary>Cuts <paramref name="answer"/> to <see cref="AnswerExcerptChars"/> characters, never splitting a surrogate pair.</summary>
    public static string Excerpt(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Length <= AnswerExcerptChars)
        {
            return answer;
        }

        var cut = char.IsHighSurrogate(answer[AnswerExcerptChars - 1]) ? AnswerExcerptChars - 1 : AnswerExcerptChars;
        return string.Concat(answer.AsSpan(0, cut), "…");
    }
}
