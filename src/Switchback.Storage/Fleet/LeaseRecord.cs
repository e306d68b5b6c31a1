namespace Switchback.Storage.Fleet;

/// <summary>
/// The controller lease as stored. <see cref="Renewals"/> grows with every renewal: a follower that sees the record unchanged
/// for a whole lease duration on its own clock may take it over (client-go's leader election works the same way, so no two
/// replicas' clocks are ever compared). An empty <see cref="Holder"/> is a lease released on shutdown: free to take at once.
/// </summary>
public sealed record LeaseRecord(string Holder, long Term, long Renewals, DateTimeOffset AcquiredAt, DateTimeOffset RenewedAt)
{
    /// <summary>Whether the holder gave the lease up (graceful shutdown), so it may be taken without waiting.</summary>
    public bool IsReleased => Holder.Length == 0;

    /// <summary>The fence of this record's holder and term.</summary>
    public LeaderFence Fence => new(Holder, Term);
}
