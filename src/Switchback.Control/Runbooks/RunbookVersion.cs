namespace Switchback.Control.Runbooks;

/// <summary>One version as the runbook lists it.</summary>
/// <param name="Version">The version number.</param>
/// <param name="Digest">Its content digest.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="Archived">Whether it is archived.</param>
/// <param name="Lineage">Its <c>lineage</c> fields (git commit, data, run…), as text.</param>
internal sealed record RunbookVersion(int Version, string Digest, DateTimeOffset CreatedAt, bool Archived, IReadOnlyList<KeyValuePair<string, string>> Lineage);
