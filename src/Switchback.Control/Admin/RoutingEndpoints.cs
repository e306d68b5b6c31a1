using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Switchback.Core.Access;
using Switchback.Core.Routing;
using Switchback.Gateway.Routing;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Reading and setting a deployment's routing state (stable, candidate weight, shadow) by hand.</summary>
internal static class RoutingEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/deployments/{deployment}/routing", GetAsync).RequireRole(Role.Viewer);
        api.MapPut("/deployments/{deployment}/routing", SetAsync).RequireRole(Role.Operator);
    }

    private static async Task<IResult> GetAsync(string deployment, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var state = await CurrentAsync(deployment, store, ct);
        return state is null ? DeploymentEndpoints.UnknownDeployment(deployment) : Results.Json(RoutingView.From(state), AdminJson.Options);
    }

    private static async Task<IResult> SetAsync(
        string deployment, HttpContext http, IRegistryStore store, RoutingSnapshotLoader loader, ILogger<AdminRequests> logger, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var (body, bodyError) = await RequestInput.ReadObjectAsync(http.Request);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!RequestInput.TryGetString(body!, "reason", required: true, out var reason, out error))
        {
            return error!;
        }

        var current = await CurrentAsync(deployment, store, ct);
        if (current is null)
        {
            return DeploymentEndpoints.UnknownDeployment(deployment);
        }

        if (!TryOptionalVersion(body!, "candidate", out var candidate, out error)
            || !TryOptionalVersion(body!, "shadow", out var shadow, out error)
            || !TryPercent(body!, "candidate_weight", out var weightBps, out error)
            || !TryPercent(body!, "shadow_sample", out var shadowBps, out error))
        {
            return error!;
        }

        var next = current with
        {
            CandidateVersion = candidate,
            CandidateWeightBps = weightBps ?? (candidate is null ? 0 : current.CandidateWeightBps),
            ShadowVersion = shadow,
            ShadowSampleBps = shadowBps ?? (shadow is null ? 0 : current.ShadowSampleBps),
        };
        if (!next.IsValid(out var problem))
        {
            return ApiError.BadRequest("invalid_routing", problem);
        }

        var caller = RoleFilter.Caller(http);
        var outcome = await store.SetRoutingStateAsync(next, new AuditContext(caller.Name, reason), ct);
        AdminLog.Changed(logger, "routing", deployment, caller.Name, outcome.Status.ToString());
        switch (outcome.Status)
        {
            case RoutingSetStatus.NotFound:
                return ApiError.NotFound("version_not_found", $"{deployment}@{outcome.Version} does not exist.");
            case RoutingSetStatus.Archived:
                return ApiError.Conflict("version_archived", $"{deployment}@{outcome.Version} is archived; it cannot receive traffic.");
        }

        // The call returns once this process's gateway routes by the new state; other replicas follow on their next poll.
        await loader.RefreshAsync(ct);
        var view = RoutingView.From(outcome.State ?? next);
        return Results.Json(new { Status = outcome.Status == RoutingSetStatus.Set ? "set" : "unchanged", Routing = view }, AdminJson.Options);
    }

    /// <summary>The stored routing state, or 100 % to the stable alias when none was set; null for an unknown deployment.</summary>
    internal static async Task<RoutingState?> CurrentAsync(string deployment, IRegistryStore store, CancellationToken ct)
    {
        if (await store.GetRoutingStateAsync(deployment, ct) is { } stored)
        {
            return stored;
        }

        var info = await store.GetDeploymentAsync(deployment, ct);
        return info is not null && info.Aliases.TryGetValue("stable", out var stable) ? new RoutingState(deployment, stable) : null;
    }

    private static bool TryOptionalVersion(JsonObject body, string field, out int? version, out IResult? error)
    {
        version = null;
        error = null;
        if (!body.TryGetPropertyValue(field, out var node) || node is null)
        {
            return true;
        }

        if (!RequestInput.TryGetVersion(body, field, out var value, out error))
        {
            return false;
        }

        version = value;
        return true;
    }

    /// <summary>A percentage 0–100 (fractions allowed down to one basis point), converted to basis points.</summary>
    private static bool TryPercent(JsonObject body, string field, out int? bps, out IResult? error)
    {
        bps = null;
        error = null;
        if (!body.TryGetPropertyValue(field, out var node) || node is null)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.Number
            || !double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent)
            || percent is < 0 or > 100
            || Math.Abs((percent * 100) - Math.Round(percent * 100)) > 1e-9)
        {
            error = ApiError.BadRequest("invalid_field", $"The field '{field}' must be a percentage from 0 to 100 with at most two decimals.");
            return false;
        }

        bps = (int)Math.Round(percent * 100);
        return true;
    }
}
