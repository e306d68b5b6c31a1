namespace Switchback.Storage.Fleet;

/// <summary>
/// The leader's fencing token: who holds the controller lease and in which term. A write that carries it (see
/// <see cref="AuditContext.Fence"/>) is refused with <see cref="FencedException"/> unless the lease still names this holder
/// and term, so a deposed leader (frozen past its lease, then resumed) cannot act on stale state.
/// </summary>
public sealed record LeaderFence(string Holder, long Term);
