namespace Switchback.Storage;

/// <summary>A stored evaluation report; <see cref="ReportJson"/> is null in lists.</summary>
public sealed record StoredEvalReport(
    long Id,
    string Deployment,
    int Version,
    string BundleDigest,
    string DatasetDigest,
    double MeanScore,
    double PassRate,
    int CaseCount,
    int Errors,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    string? ReportJson);
