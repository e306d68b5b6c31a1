using Switchback.Core.Audit;

namespace Switchback.Storage.Backup;

/// <summary>What <see cref="SqliteBackup.RestoreAsync"/> did.</summary>
/// <param name="Backup">The backup file as it was read (its schema version is the one it was taken at).</param>
/// <param name="Store">The restored store, migrated to the current schema.</param>
/// <param name="MigrationsApplied">Migrations applied to bring the backup to the current schema (0 when it was current).</param>
/// <param name="Audit">The audit chain verification of the restored store (always OK: a broken chain refuses the restore).</param>
/// <param name="PreviousStore">Where the store that was at the path was moved, or null when there was none.</param>
public sealed record RestoreResult(StoreFileSummary Backup, StoreFileSummary Store, int MigrationsApplied, AuditVerifyResult Audit, string? PreviousStore);
