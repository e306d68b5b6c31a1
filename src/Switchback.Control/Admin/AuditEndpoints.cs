using System.Globalization;
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
    /// <summary>The most entries one call returns.</summary>
    private const int MaxLimit = 10_000;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/audit", ListAsync).RequireRole(Role.Viewer);
        api.MapGet("/audit/verify", VerifyAsync).RequireRole(Role.Viewer);
        api.MapGet("/audit/head", HeadAsync).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        var target = request.Query["target"].ToString();
        var afterText = request.Query["after"].ToString();
        var limitText = request.Query["limit"].ToString();
        long? after = null;
        if (afterText.Length > 0)
        {
            if (!long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return ApiError.BadRequest("invalid_query", "'after' must be a sequence number (a whole number from 0).");
            }

            after = value;
        }

        var limit = 1000;
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            return ApiError.BadRequest("invalid_query", $"'limit' must be a whole number from 1 to {MaxLimit}.");
        }

        var query = new AuditQuery(Target: target.Length > 0 ? target : null, AfterSequence: after, Limit: limit);
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
