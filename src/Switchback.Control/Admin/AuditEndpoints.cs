using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchback.Core.Access;
using Switchback.Core.Audit;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Listing and verifying the audit log, and its head (the anchor to keep elsewhere).</summary>
internal static class AuditEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/audit", ListAsync).RequireRole(Role.Viewer);
        api.MapGet("/audit/verify", VerifyAsync).RequireRole(Role.Viewer);
        api.MapGet("/audit/head", HeadAsync).RequireRole(Role.Viewer);
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

    private static async Task<IResult> VerifyAsync(HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        var anchorText = request.Query["anchor"].ToString();
        if (anchorText.Length == 0)
        {
            var result = await store.VerifyAuditAsync(ct);
            return Results.Json(new { result.Ok, result.EntriesChecked, result.FirstBrokenSequence, result.Problem }, AdminJson.Options);
        }

        if (!AuditAnchor.TryParse(anchorText, out var anchor, out var problem))
        {
            return ApiError.BadRequest("invalid_anchor", $"'anchor': {problem}.");
        }

        var anchored = await store.VerifyAuditAsync(anchor, ct);
        return Results.Json(
            new
            {
                anchored.Ok,
                anchored.EntriesChecked,
                anchored.FirstBrokenSequence,
                anchored.Problem,
                Anchor = new { anchor.Sequence, anchor.Hash, Matches = anchored.AnchorMatches },
            },
            AdminJson.Options);
    }

    private static async Task<IResult> HeadAsync(IRegistryStore store, CancellationToken ct)
    {
        var head = await store.GetAuditHeadAsync(ct);
        return Results.Json(new { Sequence = head?.Sequence ?? 0, head?.Hash, Anchor = head?.ToString() }, AdminJson.Options);
    }
}
