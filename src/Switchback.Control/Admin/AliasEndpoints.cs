using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Switchback.Core.Access;
using Switchback.Core.Bundles;
using Switchback.Gateway.Routing;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Reading and moving aliases, and a deployment's history.</summary>
internal static class AliasEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/deployments/{deployment}/aliases", ListAsync).RequireRole(Role.Viewer);
        api.MapPut("/deployments/{deployment}/aliases/{alias}", SetAsync).RequireRole(Role.Operator);
        api.MapGet("/deployments/{deployment}/history", HistoryAsync).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> ListAsync(string deployment, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var info = await store.GetDeploymentAsync(deployment, ct);
        return info is null
            ? DeploymentEndpoints.UnknownDeployment(deployment)
            : Results.Json(new { Deployment = deployment, info.Aliases }, AdminJson.Options);
    }

    private static async Task<IResult> SetAsync(
        string deployment, string alias, HttpContext http, IRegistryStore store, RoutingSnapshotLoader loader, ILogger<AdminRequests> logger, CancellationToken ct)
    {
        if ((RequestInput.CheckName(deployment, "deployment") ?? RequestInput.CheckName(alias, "alias")) is { } error)
        {
            return error;
        }

        var (body, bodyError) = await RequestInput.ReadObjectAsync(http.Request);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!RequestInput.TryGetVersion(body!, "version", out var version, out error)
            || !RequestInput.TryGetString(body!, "reason", required: true, out var reason, out error))
        {
            return error!;
        }

        var caller = RoleFilter.Caller(http);
        var reference = new VersionRef(deployment, version);
        var outcome = await store.SetAliasAsync(reference, alias, new AuditContext(caller.Name, reason), ct);
        AdminLog.Changed(logger, $"alias {alias}", reference.ToString(), caller.Name, outcome.Status.ToString());
        if (outcome.Status == AliasStatus.Moved && alias == "stable")
        {
            // Moving stable moves routing too (same transaction): answer only once this process's gateway routes by it.
            await loader.RefreshAsync(ct);
        }

        return outcome.Status switch
        {
            AliasStatus.Moved => Results.Json(new { Status = "moved", Deployment = deployment, Alias = alias, Version = version, PreviousVersion = outcome.Previous }, AdminJson.Options),
            AliasStatus.Unchanged => Results.Json(new { Status = "unchanged", Deployment = deployment, Alias = alias, Version = version, PreviousVersion = outcome.Previous }, AdminJson.Options),
            AliasStatus.NotFound => VersionEndpoints.UnknownVersion(reference),
            _ => ApiError.Conflict("version_archived", $"{reference} is archived; an alias cannot point at an archived version."),
        };
    }

    /// <summary>
    /// One page of a deployment's history, oldest first: its audit entries after <c>after</c> (a sequence number) and its alias
    /// moves after <c>alias_after</c> (an event id), at most <c>limit</c> of each; <c>next</c> holds both cursors while more remain.
    /// </summary>
    private static async Task<IResult> HistoryAsync(string deployment, HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        if (PageQuery.TryRead(request, out var page) is { } pageError)
        {
            return pageError;
        }

        if (!PageQuery.TryReadCursor(request, "alias_after", out var aliasAfter, out var aliasError))
        {
            return aliasError!;
        }

        if (await store.GetDeploymentAsync(deployment, ct) is null)
        {
            return DeploymentEndpoints.UnknownDeployment(deployment);
        }

        // Target matches the deployment's own entries and those of its versions ("name@7").
        var events = await store.GetAliasHistoryAsync(deployment, aliasAfter, page.Limit, ct);
        var audit = await store.ListAuditAsync(new AuditQuery(Target: deployment, AfterSequence: page.After, Limit: page.Limit), ct);
        var more = events.Count == page.Limit || audit.Count == page.Limit;
        var next = more
            ? new { After = audit.Count > 0 ? audit[^1].Sequence : page.After ?? 0, AliasAfter = events.Count > 0 ? events[^1].Id : aliasAfter ?? 0 }
            : null;
        return Results.Json(
            new { Deployment = deployment, AliasEvents = events.Select(AliasEventView.From), Audit = audit.Select(AuditEntryView.From), Next = next },
            AdminJson.Options);
    }
}
