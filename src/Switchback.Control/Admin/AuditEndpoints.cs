using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchback.Core.Access;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Listing and verifying the audit log.</summary>
internal static class AuditEndpoints
{
    /// <summary>The most entries one call returns.</summary>
    private const int MaxLimit = 10_000;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/audit", ListAsync).RequireRole(Role.Viewer);
        api.MapGet("/audit/verify", VerifyAsync).RequireRole(Role.Viewer);
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

    private static async Task<IResult> VerifyAsync(IRegistryStore store, CancellationToken ct)
    {
        var result = await store.VerifyAuditAsync(ct);
        return Results.Json(new { result.Ok, result.EntriesChecked, result.FirstBrokenSequence, result.Problem }, AdminJson.Options);
    }
}
