using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Switchback.Core.Access;
using Switchback.Core.Bundles;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Creating, listing and revoking API keys (admin only). Only the create response ever contains a secret.</summary>
internal static class KeyEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/keys", CreateAsync).RequireRole(Role.Admin);
        api.MapGet("/keys", ListAsync).RequireRole(Role.Admin);
        api.MapDelete("/keys/{name}", RevokeAsync).RequireRole(Role.Admin);

        // The console asks once after sign-in, to show the key's name and to disable the buttons its role may not press.
        api.MapGet("/whoami", (HttpContext http) =>
        {
            var caller = RoleFilter.Caller(http);
            return Results.Json(new { caller.Name, Role = RoleNames.Format(caller.Role) }, AdminJson.Options);
        }).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IRegistryStore store, ILogger<AdminRequests> logger, CancellationToken ct)
    {
        var (body, error) = await RequestInput.ReadObjectAsync(http.Request);
        if (error is not null)
        {
            return error;
        }

        if (!RequestInput.TryGetString(body!, "name", required: true, out var name, out error)
            || !RequestInput.TryGetString(body!, "role", required: true, out var roleText, out error))
        {
            return error!;
        }

        if (!DeploymentName.IsValid(name, out var problem))
        {
            return ApiError.BadRequest("invalid_name", $"Invalid key name: {problem}.");
        }

        if (!RoleNames.TryParse(roleText, out var role))
        {
            return ApiError.BadRequest("invalid_role", $"'{roleText}' is not a role: use viewer, operator or admin.");
        }

        var caller = RoleFilter.Caller(http);
        var secret = ApiKeys.Generate();
        var created = await store.CreateKeyAsync(name!, role.Value, ApiKeys.Hash(secret), new AuditContext(caller.Name), ct);
        if (created is null)
        {
            return ApiError.Conflict("key_exists", $"A key named '{name}' already exists (names of revoked keys are not reused).");
        }

        AdminLog.Changed(logger, "key create", name!, caller.Name, RoleNames.Format(role.Value));
        return Results.Json(new CreatedKeyView(created.Name, RoleNames.Format(created.Role), secret), AdminJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(IRegistryStore store, CancellationToken ct)
    {
        var keys = await store.ListKeysAsync(ct);
        return Results.Json(new { Keys = keys.Select(KeyView.From) }, AdminJson.Options);
    }

    private static async Task<IResult> RevokeAsync(string name, HttpContext http, IRegistryStore store, ILogger<AdminRequests> logger, CancellationToken ct)
    {
        if (!DeploymentName.IsValid(name, out var problem))
        {
            return ApiError.BadRequest("invalid_name", $"Invalid key name: {problem}.");
        }

        var keys = await store.ListKeysAsync(ct);
        var target = keys.FirstOrDefault(k => k.Name == name && k.RevokedAt is null);
        if (target is null)
        {
            return ApiError.NotFound("key_not_found", $"No active key is named '{name}'.");
        }

        // Revoking the last admin key would lock everyone out of key management for good.
        if (target.Role == Role.Admin && keys.Count(k => k.Role == Role.Admin && k.RevokedAt is null) == 1)
        {
            return ApiError.Conflict("last_admin_key", $"'{name}' is the last active admin key; create another admin key first.");
        }

        var caller = RoleFilter.Caller(http);
        if (!await store.RevokeKeyAsync(name, new AuditContext(caller.Name), ct))
        {
            return ApiError.NotFound("key_not_found", $"No active key is named '{name}'.");
        }

        AdminLog.Changed(logger, "key revoke", name, caller.Name, "revoked");
        return Results.Json(new { Status = "revoked", Name = name }, AdminJson.Options);
    }
}
