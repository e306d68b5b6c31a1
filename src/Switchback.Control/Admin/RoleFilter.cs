using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchback.Core.Access;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>
/// Authenticates <c>Authorization: Bearer KEY</c> against the store's hashed keys and checks the role,
/// before the handler reads any body, so a refused call never changes anything.
/// </summary>
internal sealed class RoleFilter(Role required) : IEndpointFilter
{
    private static readonly object CallerKey = new();

    /// <summary>The authenticated key of the current request (set by the filter).</summary>
    public static ApiKeyRecord Caller(HttpContext context)
        => context.Items[CallerKey] as ApiKeyRecord ?? throw new InvalidOperationException("the endpoint has no RoleFilter");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var logger = http.RequestServices.GetRequiredService<ILogger<AdminRequests>>();
        var presented = ReadBearer(http.Request);
        if (presented is null)
        {
            AdminLog.Refused(logger, http.Request.Path, "no API key");
            return ApiError.Unauthorized("Missing API key: send 'Authorization: Bearer KEY'.");
        }

        var store = http.RequestServices.GetRequiredService<IRegistryStore>();
        var key = await store.FindActiveKeyAsync(ApiKeys.Hash(presented), http.RequestAborted);
        if (key is null)
        {
            AdminLog.Refused(logger, http.Request.Path, "unknown or revoked API key");
            return ApiError.Unauthorized("The API key is not valid: it is unknown or has been revoked.");
        }

        if (key.Role < required)
        {
            AdminLog.Refused(logger, http.Request.Path, $"key '{key.Name}' has role {RoleNames.Format(key.Role)}");
            return ApiError.Forbidden($"This call needs the {RoleNames.Format(required)} role; key '{key.Name}' has the {RoleNames.Format(key.Role)} role.");
        }

        http.Items[CallerKey] = key;
        return await next(context);
    }

    private static string? ReadBearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var key = header[prefix.Length..].Trim();
        return key.Length == 0 ? null : key;
    }
}
