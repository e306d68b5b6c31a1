using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchback.Core.Access;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Listing and verifying the audit log.</summary>
internal static class AuditEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/audit", ListAsync).RequireRole(Role.Viewer);
        api.MapGet("/audit/verify", VerifyAsync).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        var target = request.Query["target"].ToString();
        if (PageQuery.TryRead(request, out var page) is { } pageError)
        {
            return pageError;
        }

        var query = new AuditQuery(Target: target.Length > 0 ? target : null, AfterSequence: page.After, Limit: page.Limit);
        var entries = await store.ListAuditAsync(query, ct);
        return Results.Json(new { Entries = entries.Select(AuditEntryView.From) }, AdminJson.Options);
    }

    private static async Task<IResult> VerifyAsync(IRegistryStore store, CancellationToken ct)
    {
        var result = await store.VerifyAuditAsync(ct);
        return Results.Json(new { result.Ok, result.EntriesChecked, result.FirstBrokenSequence, result.Problem }, AdminJson.Options);
    }
}
