using System.Data.Common;

namespace Switchback.Storage.Sql;

internal abstract partial class SqlRegistryStore
{
    private const string MonitorColumns = "deployment, spec_json, generation, applied_at, applied_by, state_json, state_through";

    public async Task<MonitorApplyStatus> ApplyMonitorAsync(string deployment, string specJson, AuditContext who, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        ValidateWho(who);
        if (ParseObject(specJson) is null)
        {
            throw new ArgumentException("a monitor spec must be a JSON object", nameof(specJson));
        }

        await using var session = await BeginAsync(write: true, cancellationToken);
        if (await session.QueryFirstAsync("SELECT name FROM deployments WHERE name = @d", r => r.GetString(0), ("@d", deployment)) is null)
        {
            return MonitorApplyStatus.UnknownDeployment;
        }

        var now = Now();
        var existing = await session.QueryFirstAsync($"SELECT {MonitorColumns} FROM monitors WHERE deployment = @d", ReadMonitor, ("@d", deployment));
        if (existing is not null && existing.SpecJson == specJson)
        {
            return MonitorApplyStatus.Unchanged;
        }

        if (existing is null)
        {
            await session.ExecuteAsync(
                $"INSERT INTO monitors ({MonitorColumns}) VALUES (@d, @s, 1, @t, @a, NULL, NULL)",
                ("@d", deployment), ("@s", specJson), ("@t", TimeValue(now)), ("@a", who.Actor));
        }
        else
        {
            await session.ExecuteAsync(
                "UPDATE monitors SET spec_json = @s, generation = generation + 1, applied_at = @t, applied_by = @a, state_json = NULL, state_through = NULL WHERE deployment = @d",
                ("@d", deployment), ("@s", specJson), ("@t", TimeValue(now)), ("@a", who.Actor));
        }

        await AppendAuditAsync(session, now, who, "monitor.apply", deployment, existing?.SpecJson, specJson);
        await session.CommitAsync();
        return existing is null ? MonitorApplyStatus.Created : MonitorApplyStatus.Updated;
    }

    public async Task<IReadOnlyList<StoredMonitor>> ListMonitorsAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync($"SELECT {MonitorColumns} FROM monitors ORDER BY deployment", ReadMonitor);
    }

    public async Task<StoredMonitor?> GetMonitorAsync(string deployment, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryFirstAsync($"SELECT {MonitorColumns} FROM monitors WHERE deployment = @d", ReadMonitor, ("@d", deployment));
    }

    public async Task<bool> SaveMonitorStateAsync(string deployment, long generation, string stateJson, long through, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        if (ParseObject(stateJson) is null)
        {
            throw new ArgumentException("a monitor state must be a JSON object", nameof(stateJson));
        }

        await using var session = await BeginAsync(write: true, cancellationToken);
        var changed = await session.ExecuteAsync(
            "UPDATE monitors SET state_json = @j, state_through = @t WHERE deployment = @d AND generation = @g AND (state_through IS NULL OR state_through < @t)",
            ("@d", deployment), ("@g", generation), ("@j", stateJson), ("@t", through));
        await session.CommitAsync();
        return changed == 1;
    }

    private StoredMonitor ReadMonitor(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
        ReadTime(reader, 3),
        reader.GetString(4),
        ReadNullableString(reader, 5),
        reader.IsDBNull(6) ? null : Convert.ToInt64(reader.GetValue(6), System.Globalization.CultureInfo.InvariantCulture));
}
