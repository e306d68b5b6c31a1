using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Switchback.Core.Access;
using Switchback.Core.Bundles;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Listing, reading, diffing and archiving the versions of a deployment.</summary>
internal static class VersionEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/deployments/{deployment}/versions", ListAsync).RequireRole(Role.Viewer);
        api.MapGet("/deployments/{deployment}/versions/{version}", GetAsync).RequireRole(Role.Viewer);
        api.MapGet("/deployments/{deployment}/diff", DiffAsync).RequireRole(Role.Viewer);
        api.MapPost("/deployments/{deployment}/versions/{version}/archive", ArchiveAsync).RequireRole(Role.Admin);
    }

    private static async Task<IResult> ListAsync(string deployment, HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var flag = request.Query["include_archived"].ToString();
        if (flag is not ("" or "true" or "false"))
        {
            return ApiError.BadRequest("invalid_query", "'include_archived' must be true or false.");
        }

        var info = await store.GetDeploymentAsync(deployment, ct);
        if (info is null)
        {
            return DeploymentEndpoints.UnknownDeployment(deployment);
        }

        var versions = await store.ListBundlesAsync(deployment, flag == "true", ct);
        return Results.Json(new { Deployment = deployment, Versions = versions.Select(v => VersionView.From(v, info.Aliases)) }, AdminJson.Options);
    }

    private static async Task<IResult> GetAsync(string deployment, string version, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckVersion(deployment, version, out var reference) is { } error)
        {
            return error;
        }

        var bundle = await store.GetBundleAsync(reference, ct);
        if (bundle is null)
        {
            return UnknownVersion(reference);
        }

        var info = await store.GetDeploymentAsync(deployment, ct);
        var aliases = VersionView.AliasesOf(bundle.Version, info?.Aliases ?? new Dictionary<string, int>());
        return Results.Json(
            new VersionDetailView(bundle.Deployment, bundle.Version, bundle.Digest, bundle.CreatedAt, bundle.CreatedBy, bundle.Archived, aliases, JsonNode.Parse(bundle.ContentJson)),
            AdminJson.Options);
    }

    private static async Task<IResult> DiffAsync(string deployment, HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        if (!TryParseSide(deployment, request.Query["from"].ToString(), "from", out var from, out error)
            || !TryParseSide(deployment, request.Query["to"].ToString(), "to", out var to, out error))
        {
            return error!;
        }

        var before = await store.GetBundleAsync(from, ct);
        if (before is null)
        {
            return UnknownVersion(from);
        }

        var after = await store.GetBundleAsync(to, ct);
        if (after is null)
        {
            return UnknownVersion(to);
        }

        var differences = Differences.Compare(before.ContentJson, after.ContentJson);
        var identical = string.Equals(before.Digest, after.Digest, StringComparison.Ordinal);
        return Results.Json(new DiffView(from.ToString(), to.ToString(), before.Digest, after.Digest, identical, differences), AdminJson.Options);
    }

    private static async Task<IResult> ArchiveAsync(string deployment, string version, HttpContext http, IRegistryStore store, ILogger<AdminRequests> logger, CancellationToken ct)
    {
        if (RequestInput.CheckVersion(deployment, version, out var reference) is { } error)
        {
            return error;
        }

        var (body, bodyError) = await RequestInput.ReadObjectAsync(http.Request, optional: true);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!RequestInput.TryGetString(body!, "reason", required: false, out var reason, out error))
        {
            return error!;
        }

        var caller = RoleFilter.Caller(http);
        var outcome = await store.ArchiveAsync(reference, new AuditContext(caller.Name, reason), ct);
        AdminLog.Changed(logger, "archive", reference.ToString(), caller.Name, outcome.ToString());
        return outcome switch
        {
            ArchiveOutcome.Archived => Results.Json(new { Status = "archived", Deployment = deployment, reference.Version }, AdminJson.Options),
            ArchiveOutcome.AlreadyArchived => Results.Json(new { Status = "already_archived", Deployment = deployment, reference.Version }, AdminJson.Options),
            ArchiveOutcome.NotFound => UnknownVersion(reference),
            _ => ApiError.Conflict("version_is_stable", $"{reference} is what 'stable' points at; move 'stable' to another version before archiving it."),
        };
    }

    public static IResult UnknownVersion(VersionRef reference)
        => ApiError.NotFound("version_not_found", $"Version {reference} does not exist.");

    /// <summary>A diff side is a version number of this deployment, or DEPLOYMENT@VERSION of any deployment.</summary>
    private static bool TryParseSide(string deployment, string text, string name, out VersionRef reference, out IResult? error)
    {
        error = null;
        if (RequestInput.TryParseVersion(text, out var number))
        {
            reference = new VersionRef(deployment, number);
            return true;
        }

        if (text.Contains('@', StringComparison.Ordinal) && VersionRef.TryParse(text, out reference, out var problem))
        {
            return true;
        }

        reference = default;
        problem = text.Length == 0 ? $"the query parameter '{name}' is required" : $"'{text}' is not a version number or DEPLOYMENT@VERSION";
        error = ApiError.BadRequest("invalid_query", $"Invalid '{name}': {problem}.");
        return false;
    }
}
