using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Core.Bundles;

namespace Switchback.Storage.Sql;

internal abstract partial class SqlRegistryStore
{
    private const string EvalColumns =
        "id, deployment, version, bundle_digest, dataset_digest, mean_score, pass_rate, case_count, errors, created_at, created_by";

    public async Task<StoredEvalReport?> AddEvalReportAsync(VersionRef version, NewEvalReport report, AuditContext who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ValidateName(version.Deployment, "deployment", nameof(version));
        ValidateWho(who);
        ValidateReport(report);
        await using var session = await BeginWriteAsync(who, cancellationToken);
        var bundle = await FindBundleAsync(session, version.Deployment, version.Version);
        if (bundle is null)
        {
            return null;
        }

        if (bundle.Digest != report.BundleDigest)
        {
            throw new ArgumentException($"the report is of bundle {report.BundleDigest}, but {version} is {bundle.Digest}", nameof(report));
        }

        var id = Convert.ToInt64(await session.ScalarAsync("SELECT COALESCE(MAX(id), 0) + 1 FROM eval_reports"), CultureInfo.InvariantCulture);
        var now = Now();
        await session.ExecuteAsync(
            $"INSERT INTO eval_reports ({EvalColumns}, report_json) VALUES (@i, @d, @v, @b, @s, @m, @p, @c, @e, @t, @a, @j)",
            ("@i", id),
            ("@d", version.Deployment),
            ("@v", version.Version),
            ("@b", report.BundleDigest),
            ("@s", report.DatasetDigest),
            ("@m", report.MeanScore),
            ("@p", report.PassRate),
            ("@c", report.CaseCount),
            ("@e", report.Errors),
            ("@t", TimeValue(now)),
            ("@a", who.Actor),
            ("@j", report.ReportJson));
        var after = new JsonObject
        {
            ["id"] = id,
            ["dataset_digest"] = report.DatasetDigest,
            ["mean_score"] = report.MeanScore,
            ["pass_rate"] = report.PassRate,
            ["cases"] = report.CaseCount,
            ["errors"] = report.Errors,
        };
        await AppendAuditAsync(session, now, who, "eval.run", version.ToString(), null, after.ToJsonString());
        await session.CommitAsync();
        return new StoredEvalReport(id, version.Deployment, version.Version, report.BundleDigest, report.DatasetDigest, report.MeanScore,
            report.PassRate, report.CaseCount, report.Errors, now, who.Actor, report.ReportJson);
    }

    public async Task<IReadOnlyList<StoredEvalReport>> ListEvalReportsAsync(VersionRef version, CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync(
            $"SELECT {EvalColumns} FROM eval_reports WHERE deployment = @d AND version = @v ORDER BY id",
            r => ReadEvalReport(r, withJson: false),
            ("@d", version.Deployment),
            ("@v", version.Version));
    }

    public async Task<StoredEvalReport?> GetEvalReportAsync(VersionRef version, long id, CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryFirstAsync(
            $"SELECT {EvalColumns}, report_json FROM eval_reports WHERE deployment = @d AND version = @v AND id = @i",
            r => ReadEvalReport(r, withJson: true),
            ("@d", version.Deployment),
            ("@v", version.Version),
            ("@i", id));
    }

    private static void ValidateReport(NewEvalReport report)
    {
        static bool Share(double x) => x is >= 0 and <= 1;
        if (!Share(report.MeanScore) || !Share(report.PassRate) || report.CaseCount < 0 || report.Errors < 0 || report.Errors > report.CaseCount)
        {
            throw new ArgumentException("mean score and pass rate must be 0..1, and 0 <= errors <= cases", nameof(report));
        }

        try
        {
            using var doc = JsonDocument.Parse(report.ReportJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("the report must be a JSON object", nameof(report));
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"the report is not JSON: {ex.Message}", nameof(report), ex);
        }
    }

    private StoredEvalReport ReadEvalReport(DbDataReader r, bool withJson) => new(
        r.GetInt64(0),
        r.GetString(1),
        r.GetInt32(2),
        r.GetString(3),
        r.GetString(4),
        r.GetDouble(5),
        r.GetDouble(6),
        r.GetInt32(7),
        r.GetInt32(8),
        ReadTime(r, 9),
        r.GetString(10),
        withJson ? r.GetString(11) : null);
}
