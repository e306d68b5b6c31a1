using Switchback.Core.Bundles;

namespace Switchback.Storage;

/// <summary>Evaluation reports, stored with the version they evaluated (table <c>eval_reports</c>, migration 6).</summary>
public interface IEvalReportStore
{
    /// <summary>
    /// Stores a report for <paramref name="version"/>, audited as <c>eval.run</c> on <c>DEPLOYMENT@V</c>; the store assigns
    /// the id (1, 2, 3, … over the whole store) and the time. Null when the version does not exist (nothing is written).
    /// </summary>
    Task<StoredEvalReport?> AddEvalReportAsync(VersionRef version, NewEvalReport report, AuditContext who, CancellationToken cancellationToken = default);

    /// <summary>The reports of one version, oldest first, without their report JSON.</summary>
    Task<IReadOnlyList<StoredEvalReport>> ListEvalReportsAsync(VersionRef version, CancellationToken cancellationToken = default);

    /// <summary>One report with its JSON, or null when <paramref name="id"/> is not a report of <paramref name="version"/>.</summary>
    Task<StoredEvalReport?> GetEvalReportAsync(VersionRef version, long id, CancellationToken cancellationToken = default);
}
