namespace Switchback.Storage;

/// <summary>An evaluation report to store: the summary columns and the whole report as JSON.</summary>
/// <param name="BundleDigest">The digest of the bundle evaluated; must be the version's digest.</param>
/// <param name="DatasetDigest"><c>sha256:</c> of the dataset.</param>
/// <param name="MeanScore">Mean score, 0..1.</param>
/// <param name="PassRate">Share of cases passed, 0..1.</param>
/// <param name="CaseCount">Cases run.</param>
/// <param name="Errors">Cases whose call failed.</param>
/// <param name="ReportJson">The whole report as a JSON object.</param>
public sealed record NewEvalReport(string BundleDigest, string DatasetDigest, double MeanScore, double PassRate, int CaseCount, int Errors, string ReportJson);
