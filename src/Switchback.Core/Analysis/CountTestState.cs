using System.Collections.Immutable;

namespace Switchback.Core.Analysis;

/// <summary>
/// The running state of one <see cref="CountRatioTest"/> over a whole rollout: for each alternative ratio of the
/// prior, log(weight × likelihood ratio so far), plus the counts seen. Immutable; persist it as JSON between decisions.
/// </summary>
/// <param name="LogMixtureTerms">log(wₖ · Πₜ LRₖ,ₜ) for each ratio of the grid, in grid order.</param>
/// <param name="BaselineRequests">Baseline requests seen so far.</param>
/// <param name="BaselineEvents">Baseline events seen so far.</param>
/// <param name="CandidateRequests">Candidate requests seen so far.</param>
/// <param name="CandidateEvents">Candidate events seen so far.</param>
public sealed record CountTestState(ImmutableArray<double> LogMixtureTerms, long BaselineRequests,
    long BaselineEvents, long CandidateRequests, long CandidateEvents)
{
    /// <summary>The largest log e-value seen so far (0 at the start, where the e-value is 1); gives the anytime p-value.</summary>
    public double MaxLogEValue { get; init; }

    /// <summary>How many intervals have been added.</summary>
    public long Intervals { get; init; }
}
