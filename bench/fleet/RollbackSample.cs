namespace Switchback.Bench.Fleet;

/// <summary>
/// One rollback: where it went, the two propagation measures, each live replica's <c>routing_applied_at</c> after the audit
/// entry (sorted, ms) and the calling replica's, the API's own timings, and what each replica served right after.
/// </summary>
internal sealed record RollbackSample(
    int N,
    int Target,
    int ViaReplica,
    double FleetMs,
    bool Complete,
    int Applied,
    int Live,
    double StoreMs,
    IReadOnlyList<double> AppliedAfterMs,
    double CallerAppliedAfterMs,
    double LocalMs,
    double TotalMs,
    int ServedTarget,
    IReadOnlyList<string> Served,
    long AuditHead);
