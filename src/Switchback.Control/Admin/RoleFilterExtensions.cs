using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchback.Core.Access;

namespace Switchback.Control.Admin;

/// <summary>Attaches the API-key check to admin endpoints.</summary>
internal static class RoleFilterExtensions
{
    public static RouteHandlerBuilder RequireRole(this RouteHandlerBuilder builder, Role role)
        => builder.AddEndpointFilter(new RoleFilter(role));
}
