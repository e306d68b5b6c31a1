using System.Data.Common;

namespace Switchback.Storage.Sql;

internal abstract partial class SqlRegistryStore
{
    private const string DeploymentQuery =
        "SELECT d.name, d.created_at, (SELECT max(b.version) FROM bundles b WHERE b.deployment = d.name), " +
        "(SELECT count(*) FROM bundles b WHERE b.deployment = d.name) FROM deployments d";

    public async Task<IReadOnlyList<DeploymentInfo>> ListDeploymentsAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        var rows = await session.QueryAsync(DeploymentQuery, ReadDeploymentRow);
        var aliases = await session.QueryAsync("SELECT deployment, alias, version FROM aliases", r => (Deployment: r.GetString(0), Alias: r.GetString(1), Version: r.GetInt32(2)));
        var byDeployment = aliases.ToLookup(a => a.Deployment, StringComparer.Ordinal);
        return rows
            .Select(row => row with { Aliases = ToAliasMap(byDeployment[row.Name].Select(a => (a.Alias, a.Version))) })
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<DeploymentInfo?> GetDeploymentAsync(string deployment, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        await using var session = await BeginAsync(write: false, cancellationToken);
        var row = await session.QueryFirstAsync(DeploymentQuery + " WHERE d.name = @d", ReadDeploymentRow, ("@d", deployment));
        if (row is null)
        {
            return null;
        }

        var aliases = await session.QueryAsync(
            "SELECT alias, version FROM aliases WHERE deployment = @d",
            r => (Alias: r.GetString(0), Version: r.GetInt32(1)),
            ("@d", deployment));
        return row with { Aliases = ToAliasMap(aliases) };
    }

    private static SortedDictionary<string, int> ToAliasMap(IEnumerable<(string Alias, int Version)> aliases)
    {
        var map = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (alias, version) in aliases)
        {
            map[alias] = version;
        }

        return map;
    }

    private DeploymentInfo ReadDeploymentRow(DbDataReader reader) => new(
        reader.GetString(0),
        ReadTime(reader, 1),
        new SortedDictionary<string, int>(StringComparer.Ordinal),
        reader.IsDBNull(2) ? 0 : reader.GetInt32(2),
        Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture));
}
