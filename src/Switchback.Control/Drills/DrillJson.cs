using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Control.Admin;

namespace Switchback.Control.Drills;

/// <summary>The JSON form of a drill: what the API returns, the store keeps and the audit log shows as <c>after</c>.</summary>
internal static class DrillJson
{
    public static string StatusText(DrillStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    public static JsonObject ToJson(DrillResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["id"] = result.Id,
            ["deployment"] = result.Deployment,
            ["dry_run"] = result.DryRun,
            ["outcome"] = StatusText(result.Status),
            ["started_at"] = result.StartedAt,
            ["reason"] = result.Reason,
            ["actor"] = result.Actor,
            ["target"] = result.Target,
            ["routing"] = result.Routing is null ? null : JsonSerializer.SerializeToNode(RoutingView.From(result.Routing), AdminJson.Options),
            ["steps"] = new JsonArray(result.Steps.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["ok"] = s.Ok,
                ["duration_ms"] = Math.Round(s.DurationMs, 3),
                ["detail"] = s.Detail,
            }).ToArray()),
            ["findings"] = new JsonArray(result.Findings.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()),
            ["restored"] = result.Restored,
            ["switch_window_ms"] = result.SwitchWindowMs is { } w ? Math.Round(w, 3) : null,
            ["total_ms"] = Math.Round(result.TotalMs, 3),
        };
    }
}
