using System.Collections.Immutable;

namespace Switchback.Core.OfflineEvals;

/// <summary>A parsed evaluation dataset (JSONL, see docs/evals.md). Immutable.</summary>
/// <param name="Cases">The cases in file order.</param>
/// <param name="Digest"><c>sha256:</c> of the dataset's bytes exactly as given.</param>
/// <param name="PassThreshold">A case passes when its score is at least this (0..1; default 0.5).</param>
public sealed partial record EvalDataset(ImmutableArray<EvalCase> Cases, string Digest, double PassThreshold)
{
    /// <summary>The default score a case needs to count as passed.</summary>
    public const double DefaultPassThreshold = 0.5;

    /// <summary>The longest line accepted, in bytes (1 MiB).</summary>
    public const int MaxLineBytes = 1024 * 1024;

    /// <summary>The largest dataset accepted, in bytes (10 MiB, the admin API's body limit).</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    /// <summary>The most cases a dataset may hold.</summary>
    public const int MaxCases = 10_000;
}
