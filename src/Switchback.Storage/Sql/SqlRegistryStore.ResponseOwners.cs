using System.Globalization;
using System.Text;
using Switchback.Core.Audit;
using Switchback.Storage.Fleet;

namespace Switchback.Storage.Sql;

/// <summary>Response affinity shared by the replicas (docs/gateway.md, "Conversation affinity"): table <c>response_owners</c>.</summary>
internal abstract partial class SqlRegistryStore
{
    /// <summary>Rows per multi-row insert of owners: 5 parameters each, well under SQLite's and PostgreSQL's limits.</summary>
    private const int OwnersPerStatement = 500;

    public async Task RecordResponseOwnersAsync(IReadOnlyList<ResponseOwnerRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            ValidateOwner(row);
        }

        if (rows.Count == 0)
        {
            return;
        }

        await using var session = await BeginFleetWriteAsync(cancellationToken);
        for (var offset = 0; offset < rows.Count; offset += OwnersPerStatement)
        {
            var chunk = Math.Min(OwnersPerStatement, rows.Count - offset);
            var sql = new StringBuilder("INSERT INTO response_owners (kind, id, deployment, version, recorded_at) VALUES ");
            var parameters = new (string Name, object? Value)[chunk * 5];
            for (var i = 0; i < chunk; i++)
            {
                var row = rows[offset + i];
                var n = i.ToString(CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "(" : ", (").Append($"@k{n}, @i{n}, @d{n}, @v{n}, @t{n})");
                parameters[i * 5] = ("@k" + n, KindText(row.Kind));
                parameters[(i * 5) + 1] = ("@i" + n, row.Id);
                parameters[(i * 5) + 2] = ("@d" + n, row.Deployment);
                parameters[(i * 5) + 3] = ("@v" + n, row.Version);
                parameters[(i * 5) + 4] = ("@t" + n, TimeValue(AuditChain.Normalize(row.RecordedAt)));
            }

            // A batch may name one id twice (a conversation's first turns on one replica): the first row is the one that stays.
            sql.Append(" ON CONFLICT (kind, id) DO NOTHING");
            await session.ExecuteAsync(sql.ToString(), parameters);
        }

        await session.CommitAsync();
    }

    public async Task<ResponseOwnerRow?> FindResponseOwnerAsync(AffinityKind kind, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length is 0 or > ResponseOwnerRow.MaxIdLength)
        {
            return null;
        }

        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryFirstAsync(
            "SELECT deployment, version, recorded_at FROM response_owners WHERE kind = @k AND id = @i",
            r => new ResponseOwnerRow(kind, id, r.GetString(0), r.GetInt32(1), ReadTime(r, 2)),
            ("@k", KindText(kind)),
            ("@i", id));
    }

    public async Task ForgetResponseOwnerAsync(AffinityKind kind, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        await session.ExecuteAsync("DELETE FROM response_owners WHERE kind = @k AND id = @i", ("@k", KindText(kind)), ("@i", id));
        await session.CommitAsync();
    }

    public async Task<long> PruneResponseOwnersAsync(DateTimeOffset recordedBefore, int keepAtMost, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepAtMost);
        await using var session = await BeginFleetWriteAsync(cancellationToken);
        long deleted = await session.ExecuteAsync("DELETE FROM response_owners WHERE recorded_at < @t", ("@t", TimeValue(AuditChain.Normalize(recordedBefore))));

        // The recorded_at of the newest entry over the bound: it and everything older go (ties included, so never more are left).
        var cut = await session.QueryAsync(
            "SELECT recorded_at FROM response_owners ORDER BY recorded_at DESC LIMIT 1 OFFSET @n",
            r => ReadTime(r, 0),
            ("@n", keepAtMost));
        if (cut.Count == 1)
        {
            deleted += await session.ExecuteAsync("DELETE FROM response_owners WHERE recorded_at <= @t", ("@t", TimeValue(cut[0])));
        }

        await session.CommitAsync();
        return deleted;
    }

    private static void ValidateOwner(ResponseOwnerRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Id is null || row.Id.Length is 0 or > ResponseOwnerRow.MaxIdLength)
        {
            throw new ArgumentException($"a response-owner id must be 1..{ResponseOwnerRow.MaxIdLength} characters", nameof(row));
        }

        ValidateName(row.Deployment, "deployment", nameof(row));
        ArgumentOutOfRangeException.ThrowIfLessThan(row.Version, 1);
        _ = KindText(row.Kind);
    }

    private static string KindText(AffinityKind kind) => kind switch
    {
        AffinityKind.Response => "response",
        AffinityKind.Conversation => "conversation",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an affinity kind"),
    };
}
