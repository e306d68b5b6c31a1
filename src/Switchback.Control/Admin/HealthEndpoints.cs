using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchback.Core.Access;
using Switchback.Core.Routing;
using Switchback.Gateway.Health;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Per-version upstream health: what this gateway's probes and breakers see, and an on-demand check.</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/deployments/{deployment}/health", GetAsync).RequireRole(Role.Viewer);
        api.MapPost("/deployments/{deployment}/versions/{version}/health-check", CheckAsync).RequireRole(Role.Operator);
    }

    private static async Task<IResult> GetAsync(string deployment, IRegistryStore store, IVersionHealthMonitor health, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var state = await RoutingEndpoints.CurrentAsync(deployment, store, ct);
        if (state is null)
        {
            return DeploymentEndpoints.UnknownDeployment(deployment);
        }

        var versions = Routed(state).Select(r => HealthView.Of(health.GetHealth(deployment, r.Version), r.Role));
        return Results.Json(new { Deployment = deployment, Versions = versions }, AdminJson.Options);
    }

    private static async Task<IResult> CheckAsync(string deployment, string version, IRegistryStore store, IVersionHealthMonitor health, CancellationToken ct)
    {
        if (RequestInput.CheckVersion(deployment, version, out var reference) is { } error)
        {
            return error;
        }

        var state = await RoutingEndpoints.CurrentAsync(deployment, store, ct);
        if (state is null)
        {
            return DeploymentEndpoints.UnknownDeployment(deployment);
        }

        var checkedHealth = await health.CheckNowAsync(deployment, reference.Version, ct);
        if (checkedHealth is null)
        {
            return ApiError.NotFound("version_not_found", $"Version {reference} does not exist or is archived.");
        }

        var role = Routed(state).Where(r => r.Version == reference.Version).Select(r => r.Role).FirstOrDefault();
        return Results.Json(HealthView.Of(checkedHealth, role), AdminJson.Options);
    }

    private static IEnumerable<(int Version, string Role)> Routed(RoutingState state)
    {
        yield return (state.StableVersion, "stable");
        if (state.CandidateVersion is { } candidate)
        {
            yield return (candidate, "candidate");
        }

        if (state.ShadowVersion is { } shadow)
        {
            yield return (shadow, "shadow");
        }
    }
}
