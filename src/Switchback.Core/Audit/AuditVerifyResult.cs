namespace Switchback.Core.Audit;

/// <summary>The result of verifying the audit chain: ok, or the first broken entry and what is wrong with it.</summary>
public sealed record AuditVerifyResult(bool Ok, long EntriesChecked, long? FirstBrokenSequence, string? Problem);
