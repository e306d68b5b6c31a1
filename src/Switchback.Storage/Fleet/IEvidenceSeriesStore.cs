namespace Switchback.Storage.Fleet;

/// <summary>
/// The guardrails' evidence over time per rollout (table <c>evidence_points</c>): written by the leading controller, read by any
/// replica. Bounded per rollout and guardrail by thinning (see <see cref="AppendEvidencePointsAsync"/>). Thread-safe; safe from
/// several processes.
/// </summary>
public interface IEvidenceSeriesStore
{
    /// <summary>
    /// Stores <paramref name="points"/> in one transaction, refused with <see cref="FencedException"/> unless the lease still names
    /// <paramref name="fence"/> (a deposed leader records nothing). A point the store already holds (same rollout, guardrail and
    /// millisecond) is kept as it is. Then every series touched that holds more than <paramref name="keepAtMost"/> points is
    /// thinned: every second point is deleted, except the first and the last, until at most <paramref name="keepAtMost"/> remain,
    /// so old stretches grow sparser while the start and the latest point stay.
    /// </summary>
    Task AppendEvidencePointsAsync(IReadOnlyList<EvidencePointRow> points, int keepAtMost, LeaderFence? fence, CancellationToken cancellationToken = default);

    /// <summary>Every stored point of rollout <paramref name="rolloutId"/>, by guardrail key then time.</summary>
    Task<IReadOnlyList<EvidencePointRow>> ReadEvidencePointsAsync(string rolloutId, CancellationToken cancellationToken = default);
}
