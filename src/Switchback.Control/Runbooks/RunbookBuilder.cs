using System.Globalization;
using System.Text.Json.Nodes;
using Switchback.Control.Rollbacks;
using Switchback.Core.Routing;
using Switchback.Gateway.Health;
using Switchback.Storage;

namespace Switchback.Control.Runbooks;

/// <summary>
/// Reads a deployment's live state into a <see cref="RunbookModel"/>: never cached or stored, so the runbook is always
/// current. The rollback target comes from <see cref="RollbackService.DefaultTargetAsync"/>, the one a rollback would use.
/// Health is what the gateway last observed (no synthetic request: reading a runbook changes nothing). Thread-safe.
/// </summary>
internal sealed class RunbookBuilder(IRegistryStore store, RollbackService rollbacks, IVersionHealthMonitor health, TimeProvider time)
{
    /// <summary>How many versions the runbook lists.</summary>
    public const int VersionsShown = 5;

    /// <summary>The model, or null for an unknown deployment.</summary>
    public async Task<RunbookModel?> BuildAsync(string deployment, CancellationToken ct)
    {
        var routing = await rollbacks.CurrentRoutingAsync(deployment, ct);
        var info = await store.GetDeploymentAsync(deployment, ct);
        if (routing is null || info is null)
        {
            return null;
        }

        var active = await store.GetActiveRolloutAsync(deployment, ct);
        var target = await rollbacks.DefaultTargetAsync(deployment, routing.StableVersion, ct);
        var bundles = await store.ListBundlesAsync(deployment, includeArchived: true, ct);
        var versions = bundles.OrderByDescending(b => b.Version).Take(VersionsShown)
            .Select(b => new RunbookVersion(b.Version, b.Digest, b.CreatedAt, b.Archived, Lineage(b.ContentJson))).ToList();
        var drill = (await store.ListDrillsAsync(deployment, 1, ct)) is [var last] ? ReadDrill(last) : null;
        return new RunbookModel(deployment, time.GetUtcNow(), routing, info.Aliases, versions, active, target, drill, Health(routing, target));
    }

    private List<RunbookHealth> Health(RoutingState routing, int? target)
    {
        var roles = new List<(int Version, string Role)> { (routing.StableVersion, "stable") };
        if (routing.CandidateVersion is { } c)
        {
            roles.Add((c, "candidate"));
        }

        if (routing.ShadowVersion is { } s)
        {
            roles.Add((s, "shadow"));
        }

        if (target is { } t && roles.All(r => r.Version != t))
        {
            roles.Add((t, "rollback target"));
        }

        return roles.Select(r =>
        {
            var h = health.GetHealth(routing.Deployment, r.Version);
            var detail = h.LastCheckError ?? h.LastProbeError
                ?? (h.LastProbeLatencyMs is { } ms ? $"last probe {ms.ToString("0.#", CultureInfo.InvariantCulture)} ms" : "not probed yet");
            return new RunbookHealth(r.Version, r.Role, h.State.ToString().ToLowerInvariant(), detail);
        }).ToList();
    }

    private static List<KeyValuePair<string, string>> Lineage(string contentJson)
        => JsonNode.Parse(contentJson)?["lineage"] is JsonObject lineage
            ? lineage.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, p.Value is JsonValue v ? v.ToString() : p.Value!.ToJsonString())).ToList()
            : [];

    private static RunbookDrill ReadDrill(StoredDrill stored)
    {
        var json = JsonNode.Parse(stored.ResultJson);
        var steps = (json?["steps"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => (s["name"]?.GetValue<string>() ?? "?", s["ok"]?.GetValue<bool>() ?? false, s["duration_ms"]?.GetValue<double>() ?? 0)).ToList();
        var findings = (json?["findings"] as JsonArray ?? []).Select(f => f?.GetValue<string>() ?? string.Empty).ToList();
        return new RunbookDrill(stored.Id, stored.StartedAt, stored.DryRun, stored.Outcome, stored.Actor, steps, findings, json?["switch_window_ms"]?.GetValue<double>());
    }
}
