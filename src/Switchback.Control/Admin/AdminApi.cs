using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchback.Core.Access;

namespace Switchback.Control.Admin;

/// <summary>The admin HTTP API under <c>/api/v1</c> (see docs/api.md).</summary>
public static class AdminApi
{
    /// <summary>The path prefix of every admin endpoint.</summary>
    public const string Prefix = "/api/v1";

    /// <summary>Maps every admin endpoint; needs an <see cref="Storage.IRegistryStore"/> in DI.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix);
        api.AddEndpointFilter<StoreWaitFilter>();
        DeploymentEndpoints.Map(api);
        RegisterEndpoint.Map(api);
        VersionEndpoints.Map(api);
        AliasEndpoints.Map(api);
        AuditEndpoints.Map(api);
        KeyEndpoints.Map(api);
        RoutingEndpoints.Map(api);
        SignalEndpoints.Map(api);
        SignalSeriesEndpoints.Map(api);
        EvidenceSeriesEndpoints.Map(api);
        EvalEndpoints.Map(api);
        RolloutEndpoints.Map(api);
        RollbackEndpoints.Map(api);
        HealthEndpoints.Map(api);
        DrillEndpoints.Map(api);
        RunbookEndpoints.Map(api);
        ReplicaEndpoints.Map(api);
        MonitorEndpoints.Map(api);

        // An unknown path (or method) under the API is answered only after the key is checked, so the API's shape is not
        // visible without one: the fallback carries the viewer filter like every other endpoint.
        api.MapFallback("{**path}", (HttpContext http) => ApiError.Result(
                StatusCodes.Status404NotFound, "not_found_error", "route_not_found", $"No endpoint {http.Request.Method} {RequestInput.Echo(http.Request.Path)}."))
            .RequireRole(Role.Viewer);
        return endpoints;
    }
}
