using Switchback.Core.Audit;

namespace Switchback.Storage.Backup;

/// <summary>What a SQLite store file holds, read without migrating it.</summary>
/// <param name="Path">The file's absolute path.</param>
/// <param name="SchemaVersion">The newest migration recorded in the file.</param>
/// <param name="Deployments">Rows in <c>deployments</c>.</param>
/// <param name="Bundles">Rows in <c>bundles</c>.</param>
/// <param name="AuditHead">The last audit entry (null before schema version 3 or while the log is empty).</param>
/// <param name="Bytes">The file's size.</param>
public sealed record StoreFileSummary(string Path, int SchemaVersion, long Deployments, long Bundles, AuditAnchor? AuditHead, long Bytes);
