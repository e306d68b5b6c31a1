using System.Data.Common;
using System.Text;
using Switchback.Core.Audit;

namespace Switchback.Storage.Sql;

internal abstract partial class SqlRegistryStore
{
    private const string AuditColumns = "seq, occurred_at, actor, action, target, before_state, after_state, reason, prev_hash, hash";

    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit < 1)
        {
            throw new ArgumentException($"limit {query.Limit} is not valid: use a number from 1", nameof(query));
        }

        var sql = new StringBuilder($"SELECT {AuditColumns} FROM audit_log WHERE 1 = 1");
        var parameters = new List<(string, object?)>();
        if (query.Target is not null)
        {
            // A deployment's own entries and those of its versions ("name@7"); substr, not LIKE, because '_' is a LIKE wildcard.
            sql.Append(" AND (target = @target OR substr(target, 1, length(@targetAt)) = @targetAt)");
            parameters.Add(("@target", query.Target));
            parameters.Add(("@targetAt", query.Target + "@"));
        }

        if (query.TargetPrefix is not null)
        {
            sql.Append(" AND substr(target, 1, length(@prefix)) = @prefix");
            parameters.Add(("@prefix", query.TargetPrefix));
        }

        if (query.AfterSequence is { } after)
        {
            sql.Append(" AND seq > @after");
            parameters.Add(("@after", after));
        }

        sql.Append(" ORDER BY seq LIMIT @limit");
        parameters.Add(("@limit", query.Limit));
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync(sql.ToString(), ReadAuditEntry, [.. parameters]);
    }

    public Task<AuditVerifyResult> VerifyAuditAsync(CancellationToken cancellationToken = default)
        => VerifyAuditCoreAsync(null, cancellationToken);

    public Task<AuditVerifyResult> VerifyAuditAsync(AuditAnchor anchor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        return VerifyAuditCoreAsync(anchor, cancellationToken);
    }

    public async Task<AuditAnchor?> GetAuditHeadAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        var head = await session.QueryAsync("SELECT seq, hash FROM audit_head WHERE id = 1", r => new AuditAnchor(r.GetInt64(0), r.GetString(1)));
        return head.Count == 0 ? null : head[0];
    }

    private async Task<AuditVerifyResult> VerifyAuditCoreAsync(AuditAnchor? anchor, CancellationToken cancellationToken)
    {
        // One read transaction, so the entries and the head are the same snapshot even while writers append.
        await using var session = await BeginAsync(write: false, cancellationToken);
        var head = await session.QueryAsync("SELECT seq, hash FROM audit_head WHERE id = 1", r => (Sequence: r.GetInt64(0), Hash: r.GetString(1)));
        var entries = await session.QueryAsync($"SELECT {AuditColumns} FROM audit_log ORDER BY seq", ReadAuditEntry);
        var (count, hash) = head.Count == 0 ? (0L, (string?)null) : head[0];
        return anchor is null ? AuditChain.Verify(entries, count, hash) : AuditChain.Verify(entries, count, hash, anchor);
    }

    /// <summary>Appends one entry after the recorded head and moves the head, inside the caller's write transaction.</summary>
    private async Task AppendAuditAsync(SqlSession session, DateTimeOffset now, AuditContext who, string action, string target, string? before, string? after)
    {
        var head = await session.QueryAsync("SELECT seq, hash FROM audit_head WHERE id = 1", r => (Sequence: r.GetInt64(0), Hash: r.GetString(1)));
        var (previousSequence, previousHash) = head.Count == 0 ? (0L, AuditChain.GenesisHash) : head[0];
        var sequence = previousSequence + 1;
        var hash = AuditChain.ComputeHash(sequence, now, who.Actor, action, target, before, after, who.Reason, previousHash);
        await session.ExecuteAsync(
            $"INSERT INTO audit_log ({AuditColumns}) VALUES (@s, @t, @u, @a, @g, @b, @f, @r, @p, @h)",
            ("@s", sequence),
            ("@t", TimeValue(now)),
            ("@u", who.Actor),
            ("@a", action),
            ("@g", target),
            ("@b", before),
            ("@f", after),
            ("@r", who.Reason),
            ("@p", previousHash),
            ("@h", hash));
        await session.ExecuteAsync(
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, @s, @h) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            ("@s", sequence),
            ("@h", hash));
    }

    private AuditEntry ReadAuditEntry(DbDataReader reader) => new(
        reader.GetInt64(0),
        ReadTime(reader, 1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        ReadNullableString(reader, 5),
        ReadNullableString(reader, 6),
        ReadNullableString(reader, 7),
        reader.GetString(8),
        reader.GetString(9));
}
