using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Switchback.Control.Rollbacks;
using Switchback.Core.Access;

namespace Switchback.Control.Admin;

/// <summary><c>POST /deployments/{d}/rollback {to?, reason, force?}</c>: instant rollback; returns once the gateway routes to the target.</summary>
internal static class RollbackEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/deployments/{deployment}/rollback", RollbackAsync).RequireRole(Role.Operator);
        api.MapGet("/deployments/{deployment}/rollback", LastRollback).RequireRole(Role.Viewer);
    }

    /// <summary>The last rollback of the deployment in this process, with <c>first_request_ms</c> once a request reached the target.</summary>
    private static IResult LastRollback(string deployment, RollbackTimings timings)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        return timings.Last(deployment) is { } last
            ? Results.Json(RollbackTimingView.Of(last), AdminJson.Options)
            : ApiError.NotFound("rollback_not_found", $"No rollback of '{deployment}' since this server started.");
    }

    private static async Task<IResult> RollbackAsync(string deployment, HttpContext http, RollbackService rollbacks, ILogger<AdminRequests> logger, CancellationToken ct)
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

        int? to = null;
        if (body!["to"] is not null)
        {
            if (!RequestInput.TryGetVersion(body, "to", out var v, out error))
            {
                return error!;
            }

            to = v;
        }

        var force = false;
        if (body["force"] is { } forceNode)
        {
            if (forceNode.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                return ApiError.BadRequest("invalid_field", "The field 'force' must be true or false.");
            }

            force = forceNode.GetValue<bool>();
        }

        var caller = RoleFilter.Caller(http);
        var result = await rollbacks.RollbackAsync(new RollbackRequest(deployment, to, reason!, force, "manual", caller.Name), ct);
        AdminLog.Changed(logger, "rollback", deployment, caller.Name, result.Status.ToString());
        var replicas = result.Replicas is { } waiting ? await waiting : null;
        var view = new
        {
            Status = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(result.Status.ToString()),
            Deployment = deployment,
            result.Message,
            result.From,
            result.To,
            result.FastPath,
            result.PropagationMs,
            result.TotalMs,
            Routing = result.Routing is null ? null : RoutingView.From(result.Routing),
            result.AbortedRollout,
            result.Health,
            Replicas = replicas,
            Fleet = replicas?.Describe(),
        };
        return result.Status switch
        {
            RollbackStatus.RolledBack or RollbackStatus.Unchanged => Results.Json(view, AdminJson.Options),
            RollbackStatus.NotFound => ApiError.NotFound(result.To is null ? "deployment_not_found" : "version_not_found", result.Message),
            RollbackStatus.NoTarget => ApiError.BadRequest("no_rollback_target", result.Message),
            RollbackStatus.Archived => ApiError.Conflict("version_archived", result.Message),
            RollbackStatus.Unhealthy => ApiError.Conflict("target_unhealthy", result.Message),
            _ => ApiError.Conflict("outside_rollback_window", result.Message),
        };
    }
}
