namespace Switchback.Core.Audit;

/// <summary>The result of verifying the audit chain: ok, or the first broken entry and what is wrong with it.</summary>
/// <param name="Ok">True when the chain, the recorded head and the anchor (if one was given) all check out.</param>
/// <param name="EntriesChecked">How many entries verified before the first problem (all of them when the chain is intact).</param>
/// <param name="FirstBrokenSequence">The first entry that is edited, missing or does not match the anchor; null when ok.</param>
/// <param name="Problem">What is wrong, in words; null when ok.</param>
/// <param name="AnchorMatches">Whether the log still holds the anchor's entry unchanged; null when no anchor was given or the chain broke first.</param>
public sealed record AuditVerifyResult(bool Ok, long EntriesChecked, long? FirstBrokenSequence, string? Problem, bool? AnchorMatches = null);
