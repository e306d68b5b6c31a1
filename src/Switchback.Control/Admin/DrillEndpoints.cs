using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchback.Control.Drills;
using Switchback.Core.Access;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary><c>POST /deployments/{d}/drills {dry_run, reason}</c> rehearses a rollback; <c>GET /deployments/{d}/drills[?limit]</c> lists past drills.</summary>
internal static class DrillEndpoints
{
    private const int MaxLimit = 100;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/deployments/{deployment}/drills", RunAsync).RequireRole(Role.Operator);
        api.MapGet("/deployments/{deployment}/drills", ListAsync).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> RunAsync(string deployment, HttpContext http, IServiceProvider services, ILogger<AdminRequests> logger, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var (body, bodyError) = await RequestInput.ReadObjectAsync(http.Request, optional: true);
        if (bodyError is not null)
        {
            return bodyError;
        }

        body ??= [];
        if (!RequestInput.TryGetString(body, "reason", required: false, out var reason, out error))
        {
            return error!;
        }

        var dryRun = false;
        if (body["dry_run"] is { } node)
        {
            if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                return ApiError.BadRequest("invalid_field", "The field 'dry_run' must be true or false.");
            }

            dryRun = node.GetValue<bool>();
        }

        var caller = RoleFilter.Caller(http);
        var time = services.GetRequiredService<TimeProvider>();
        var runner = ActivatorUtilities.CreateInstance<DrillRunner>(services, new LoopbackGatewayProbe(services.GetRequiredService<IServer>(), time));
        var result = await runner.RunAsync(new DrillRequest(deployment, dryRun, string.IsNullOrWhiteSpace(reason) ? "rollback drill" : reason, caller.Name), ct);
        AdminLog.Changed(logger, "drill", deployment, caller.Name, result.Status.ToString());
        return result.Status switch
        {
            DrillStatus.NotFound => DeploymentEndpoints.UnknownDeployment(deployment),
            DrillStatus.RolloutActive => ApiError.Conflict("rollout_active", result.Findings[0]),
            _ => Results.Json(DrillJson.ToJson(result), AdminJson.Options),
        };
    }

    private static async Task<IResult> ListAsync(string deployment, HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var limitText = request.Query["limit"].ToString();
        var limit = 20;
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            return ApiError.BadRequest("invalid_query", $"'limit' must be a whole number from 1 to {MaxLimit}.");
        }

        if (await store.GetDeploymentAsync(deployment, ct) is null)
        {
            return DeploymentEndpoints.UnknownDeployment(deployment);
        }

        var drills = await store.ListDrillsAsync(deployment, limit, ct);
        var items = new JsonArray(drills.Select(d => JsonNode.Parse(d.ResultJson)).ToArray());
        return Results.Json(new JsonObject { ["deployment"] = deployment, ["drills"] = items }, AdminJson.Options);
    }
}
