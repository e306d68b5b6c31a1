namespace Switchback.Storage;

/// <summary>A stored monitor: its spec, when and by whom it was applied, and the leader's latest detector state.</summary>
/// <param name="Deployment">The deployment watched.</param>
/// <param name="SpecJson">The spec as a manifest document in JSON.</param>
/// <param name="Generation">Counts the spec's changes from 1; a state belongs to one generation.</param>
/// <param name="AppliedAt">When the spec was last changed.</param>
/// <param name="AppliedBy">Who changed it.</param>
/// <param name="StateJson">The detector state, null until the leader first saves one for this generation.</param>
/// <param name="StateThrough">Unix second the state has counted data up to, null with no state.</param>
public sealed record StoredMonitor(string Deployment, string SpecJson, long Generation, DateTimeOffset AppliedAt, string AppliedBy, string? StateJson, long? StateThrough);
