using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchback.Control.Runbooks;
using Switchback.Core.Access;

namespace Switchback.Control.Admin;

/// <summary><c>GET /deployments/{d}/runbook</c>: the on-call runbook as <c>text/markdown</c>, generated from live state on every call.</summary>
internal static class RunbookEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
        => api.MapGet("/deployments/{deployment}/runbook", GetAsync).RequireRole(Role.Viewer);

    private static async Task<IResult> GetAsync(string deployment, IServiceProvider services, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var model = await ActivatorUtilities.CreateInstance<RunbookBuilder>(services).BuildAsync(deployment, ct);
        return model is null
            ? DeploymentEndpoints.UnknownDeployment(deployment)
            : Results.Text(RunbookRenderer.Render(model), "text/markdown; charset=utf-8");
    }
}
