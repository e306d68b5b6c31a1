using Switchback.Storage;

namespace Switchback.Control.OfflineEvals;

/// <summary>A stored report's summary as the admin API shows it.</summary>
internal sealed record EvalSummaryView(long Id, string Deployment, int Version, string BundleDigest, string DatasetDigest, double MeanScore, double PassRate,
    int Cases, int Errors, DateTimeOffset CreatedAt, string CreatedBy)
{
    public static EvalSummaryView From(StoredEvalReport r)
        => new(r.Id, r.Deployment, r.Version, r.BundleDigest, r.DatasetDigest, r.MeanScore, r.PassRate, r.CaseCount, r.Errors, r.CreatedAt, r.CreatedBy);
}
