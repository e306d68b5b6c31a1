using System.Data.Common;
using System.Text.Json.Nodes;
using Switchback.Core.Audit;

namespace Switchback.Storage.Sql;

internal abstract partial class SqlRegistryStore
{
    private const string DrillColumns = "id, deployment, dry_run, outcome, started_at, actor, reason, result_json";

    public async Task<bool> RecordDrillAsync(StoredDrill drill, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drill);
        ValidateName(drill.Deployment, "deployment", nameof(drill));
        ValidateWho(new AuditContext(drill.Actor, drill.Reason));
        if (string.IsNullOrWhiteSpace(drill.Id) || string.IsNullOrWhiteSpace(drill.Outcome))
        {
            throw new ArgumentException("a drill needs an id and an outcome", nameof(drill));
        }

        if (ParseObject(drill.ResultJson) is not { } result)
        {
            throw new ArgumentException($"drill {drill.Id}: the result must be a JSON object", nameof(drill));
        }

        await using var session = await BeginAsync(write: true, cancellationToken);
        var exists = await session.QueryFirstAsync("SELECT name FROM deployments WHERE name = @d", r => r.GetString(0), ("@d", drill.Deployment));
        if (exists is null)
        {
            return false;
        }

        await session.ExecuteAsync(
            $"INSERT INTO drills ({DrillColumns}) VALUES (@i, @d, @y, @o, @s, @a, @r, @j)",
            ("@i", drill.Id),
            ("@d", drill.Deployment),
            ("@y", drill.DryRun ? 1 : 0),
            ("@o", drill.Outcome),
            ("@s", TimeValue(AuditChain.Normalize(drill.StartedAt))),
            ("@a", drill.Actor),
            ("@r", drill.Reason),
            ("@j", drill.ResultJson));
        await AppendAuditAsync(session, Now(), new AuditContext(drill.Actor, drill.Reason), "drill.run", drill.Deployment, null, result.ToJsonString());
        await session.CommitAsync();
        return true;
    }

    public async Task<IReadOnlyList<StoredDrill>> ListDrillsAsync(string deployment, int limit, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync(
            $"SELECT {DrillColumns} FROM drills WHERE deployment = @d ORDER BY started_at DESC, id DESC LIMIT @l",
            ReadDrill,
            ("@d", deployment),
            ("@l", limit));
    }

    private StoredDrill ReadDrill(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture) != 0,
        reader.GetString(3),
        ReadTime(reader, 4),
        reader.GetString(5),
        reader.GetString(6),
        reader.GetString(7));

    private static JsonObject? ParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
