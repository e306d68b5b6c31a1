using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchback.Core.Access;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary><c>GET /deployments</c> and <c>GET /deployments/{deployment}</c>.</summary>
internal static class DeploymentEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/deployments", ListAsync).RequireRole(Role.Viewer);
        api.MapGet("/deployments/{deployment}", GetAsync).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> ListAsync(IRegistryStore store, CancellationToken ct)
    {
        var deployments = await store.ListDeploymentsAsync(ct);
        return Results.Json(new { Deployments = deployments.Select(DeploymentView.From) }, AdminJson.Options);
    }

    private static async Task<IResult> GetAsync(string deployment, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var info = await store.GetDeploymentAsync(deployment, ct);
        return info is null ? UnknownDeployment(deployment) : Results.Json(DeploymentView.From(info), AdminJson.Options);
    }

    public static IResult UnknownDeployment(string deployment)
        => ApiError.NotFound("deployment_not_found", $"Deployment '{deployment}' does not exist.");
}
