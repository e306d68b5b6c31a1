namespace Switchback.Core.Audit;

/// <summary>One entry of the append-only, hash-chained audit log.</summary>
/// <param name="Sequence">1-based position in the chain, contiguous.</param>
/// <param name="Time">When it happened (from the injected TimeProvider), UTC, millisecond precision.</param>
/// <param name="Actor">The API key name that acted, or "system"/"bootstrap".</param>
/// <param name="Action">What happened, e.g. "bundle.register", "alias.set", "key.create".</param>
/// <param name="Target">What it happened to, e.g. "support-bot@7" or "key:ci".</param>
/// <param name="Before">JSON of the state before, or null.</param>
/// <param name="After">JSON of the state after, or null.</param>
/// <param name="Reason">The reason the actor gave, or null.</param>
/// <param name="PreviousHash">The hash of the entry before, or <see cref="AuditChain.GenesisHash"/> for the first.</param>
/// <param name="Hash">This entry's hash (see <see cref="AuditChain.ComputeHash(AuditEntry)"/>).</param>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset Time,
    string Actor,
    string Action,
    string Target,
    string? Before,
    string? After,
    string? Reason,
    string PreviousHash,
    string Hash);
