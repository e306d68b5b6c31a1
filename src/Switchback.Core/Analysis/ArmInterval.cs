namespace Switchback.Core.Analysis;

/// <summary>
/// What one interval of the rollout saw on each arm: requests served and events counted (errors, timeouts,
/// thumbs-down, latencies over the threshold…). The traffic split in force in the interval is read from the two
/// request counts, so the caller reports intervals short enough that the split was constant within each.
/// </summary>
/// <param name="BaselineRequests">Requests the baseline (stable) version served in the interval; 0 or more.</param>
/// <param name="BaselineEvents">Events counted on the baseline in the interval; 0 or more, and 0 when it served no request.</param>
/// <param name="CandidateRequests">Requests the candidate served in the interval; 0 or more.</param>
/// <param name="CandidateEvents">Events counted on the candidate in the interval; 0 or more, and 0 when it served no request.</param>
public readonly record struct ArmInterval(long BaselineRequests, long BaselineEvents, long CandidateRequests, long CandidateEvents)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first count that cannot be right.</summary>
    public void Validate()
    {
        if (BaselineRequests < 0 || BaselineEvents < 0 || CandidateRequests < 0 || CandidateEvents < 0)
        {
            throw new ArgumentException(
                $"interval counts must be 0 or more (baseline {BaselineEvents}/{BaselineRequests}, candidate {CandidateEvents}/{CandidateRequests} events/requests)");
        }

        if (BaselineRequests == 0 && BaselineEvents > 0)
        {
            throw new ArgumentException($"the baseline has {BaselineEvents} events but served no request in the interval");
        }

        if (CandidateRequests == 0 && CandidateEvents > 0)
        {
            throw new ArgumentException($"the candidate has {CandidateEvents} events but served no request in the interval");
        }
    }
}
