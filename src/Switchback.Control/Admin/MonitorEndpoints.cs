using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Switchback.Core.Access;
using Switchback.Core.Manifests;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Applying a deployment's monitor (<c>kind: Monitor</c>) and the monitors' status (docs/api.md "monitors").</summary>
internal static class MonitorEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/monitors", ListAsync).RequireRole(Role.Viewer);
        api.MapGet("/deployments/{deployment}/monitor", GetAsync).RequireRole(Role.Viewer);
        api.MapPut("/deployments/{deployment}/monitor", ApplyAsync).RequireRole(Role.Operator);
    }

    private static async Task<IResult> ListAsync(IRegistryStore store, TimeProvider time, CancellationToken ct)
    {
        var monitors = await store.ListMonitorsAsync(ct);
        return Results.Json(new JsonObject { ["monitors"] = new JsonArray([.. monitors.Select(m => (JsonNode?)MonitorView.From(m, time.GetUtcNow()))]) }, AdminJson.Options);
    }

    private static async Task<IResult> GetAsync(string deployment, IRegistryStore store, TimeProvider time, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var monitor = await store.GetMonitorAsync(deployment, ct);
        return monitor is null ? NoMonitor(deployment) : Results.Json(MonitorView.From(monitor, time.GetUtcNow()), AdminJson.Options);
    }

    private static async Task<IResult> ApplyAsync(string deployment, HttpContext http, IRegistryStore store, TimeProvider time, ILogger<AdminRequests> logger, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var source = string.IsNullOrWhiteSpace(http.Request.Query["source"]) ? "request body" : http.Request.Query["source"].ToString();
        var text = await RequestInput.ReadTextAsync(http.Request);
        if (string.IsNullOrWhiteSpace(text))
        {
            return ApiError.BadRequest("missing_body", "The request body is empty: send one kind: Monitor document (YAML or JSON).");
        }

        var read = ManifestReader.Read(text, source);
        if (!read.IsValid)
        {
            return RegisterEndpoint.InvalidManifest(read.Errors);
        }

        if (read.Documents is not [MonitorManifest manifest])
        {
            return ApiError.BadRequest("one_document_expected", $"Send exactly one kind: Monitor document; {source} has {read.Documents.Count} document(s) or another kind.");
        }

        if (manifest.Spec.Deployment != deployment)
        {
            return ApiError.BadRequest("invalid_field", $"The manifest is for deployment '{manifest.Spec.Deployment}', not '{deployment}'.");
        }

        var caller = RoleFilter.Caller(http);
        var status = await store.ApplyMonitorAsync(deployment, manifest.Spec.ToJson().ToJsonString(), new AuditContext(caller.Name, "apply " + source), ct);
        AdminLog.Changed(logger, "monitor", deployment, caller.Name, status.ToString());
        if (status == MonitorApplyStatus.UnknownDeployment)
        {
            return DeploymentEndpoints.UnknownDeployment(deployment);
        }

        var view = MonitorView.From((await store.GetMonitorAsync(deployment, ct))!, time.GetUtcNow());
        view["status"] = status.ToString().ToLowerInvariant();
        return Results.Json(view, AdminJson.Options, statusCode: status == MonitorApplyStatus.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static IResult NoMonitor(string deployment)
        => ApiError.NotFound("monitor_not_found", $"Deployment '{deployment}' has no monitor: apply a kind: Monitor document (docs/manifests.md).");
}
