using System.Globalization;
using System.Text;
using Switchback.Storage.Fleet;

namespace Switchback.Storage.Sql;

/// <summary>The guardrails' evidence over time (docs/api.md, "Evidence series"): table <c>evidence_points</c>.</summary>
internal abstract partial class SqlRegistryStore : IEvidenceSeriesStore
{
    /// <summary>Rows per multi-row insert: 10 parameters each, well under SQLite's and PostgreSQL's limits.</summary>
    private const int PointsPerStatement = 200;

    private const string PointColumns = "rollout_id, guardrail, at_ms, e_value, threshold, baseline_events, baseline_trials, candidate_events, candidate_trials, by_unit";

    public async Task AppendEvidencePointsAsync(IReadOnlyList<EvidencePointRow> points, int keepAtMost, LeaderFence? fence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(keepAtMost, 2);
        foreach (var point in points)
        {
            ValidatePoint(point);
        }

        if (points.Count == 0)
        {
            return;
        }

        await using var session = await BeginFleetWriteAsync(cancellationToken);
        if (fence is not null)
        {
            await CheckFenceAsync(session, fence);
        }

        for (var offset = 0; offset < points.Count; offset += PointsPerStatement)
        {
            var chunk = Math.Min(PointsPerStatement, points.Count - offset);
            var sql = new StringBuilder($"INSERT INTO evidence_points ({PointColumns}) VALUES ");
            var parameters = new List<(string Name, object? Value)>(chunk * 10);
            for (var i = 0; i < chunk; i++)
            {
                var p = points[offset + i];
                var n = i.ToString(CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "(" : ", (").Append($"@r{n}, @g{n}, @t{n}, @e{n}, @h{n}, @be{n}, @bt{n}, @ce{n}, @ct{n}, @u{n})");
                parameters.AddRange(
                [
                    ("@r" + n, p.RolloutId), ("@g" + n, p.Guardrail), ("@t" + n, p.At.ToUnixTimeMilliseconds()), ("@e" + n, p.EValue),
                    ("@h" + n, p.Threshold), ("@be" + n, p.BaselineEvents), ("@bt" + n, p.BaselineTrials), ("@ce" + n, p.CandidateEvents),
                    ("@ct" + n, p.CandidateTrials), ("@u" + n, p.ByUnit ? 1 : 0),
                ]);
            }

            sql.Append(" ON CONFLICT (rollout_id, guardrail, at_ms) DO NOTHING");
            await session.ExecuteAsync(sql.ToString(), [.. parameters]);
        }

        foreach (var (rollout, guardrail) in points.Select(p => (p.RolloutId, p.Guardrail)).Distinct())
        {
            await ThinAsync(session, rollout, guardrail, keepAtMost);
        }

        await session.CommitAsync();
    }

    public async Task<IReadOnlyList<EvidencePointRow>> ReadEvidencePointsAsync(string rolloutId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rolloutId);
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync(
            $"SELECT {PointColumns} FROM evidence_points WHERE rollout_id = @r ORDER BY guardrail, at_ms",
            r => new EvidencePointRow(
                r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), r.GetDouble(3), r.IsDBNull(4) ? null : r.GetDouble(4),
                r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9) != 0),
            ("@r", rolloutId));
    }

    /// <summary>Halves one series (every second point goes, the first and the last stay) until it holds at most <paramref name="keepAtMost"/>.</summary>
    private static async Task ThinAsync(SqlSession session, string rollout, string guardrail, int keepAtMost)
    {
        (string, object?)[] key = [("@r", rollout), ("@g", guardrail)];
        while (Convert.ToInt64(await session.ScalarAsync("SELECT COUNT(*) FROM evidence_points WHERE rollout_id = @r AND guardrail = @g", key), CultureInfo.InvariantCulture) > keepAtMost)
        {
            await session.ExecuteAsync(
                """
                DELETE FROM evidence_points WHERE rollout_id = @r AND guardrail = @g AND at_ms IN (
                    SELECT at_ms FROM (
                        SELECT at_ms, ROW_NUMBER() OVER (ORDER BY at_ms) AS n, COUNT(*) OVER () AS c
                        FROM evidence_points WHERE rollout_id = @r AND guardrail = @g) numbered
                    WHERE n % 2 = 0 AND n < c)
                """,
                key);
        }
    }

    private static void ValidatePoint(EvidencePointRow point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (string.IsNullOrEmpty(point.RolloutId) || point.RolloutId.Length > EvidencePointRow.MaxKeyLength
            || string.IsNullOrEmpty(point.Guardrail) || point.Guardrail.Length > EvidencePointRow.MaxKeyLength)
        {
            throw new ArgumentException($"an evidence point's rollout id and guardrail must be 1..{EvidencePointRow.MaxKeyLength} characters", nameof(point));
        }

        if (!double.IsFinite(point.EValue) || point.Threshold is { } threshold && !double.IsFinite(threshold))
        {
            throw new ArgumentException($"an evidence point's e-value and threshold must be finite (got {point.EValue}, {point.Threshold})", nameof(point));
        }
    }
}
