using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Switchback.Control.Rollouts.Evidence;
using Switchback.Core.Access;
using Switchback.Storage;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Admin;

/// <summary>
/// <c>GET /deployments/{d}/rollouts/{id}/evidence/series</c>: each guardrail's e-value over a rollout, as the leading controller
/// recorded it (docs/api.md, "Evidence series"). Read from the store, so every replica answers alike.
/// </summary>
internal static class EvidenceSeriesEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
        => api.MapGet("/deployments/{deployment}/rollouts/{id}/evidence/series", GetAsync).RequireRole(Role.Viewer);

    private static async Task<IResult> GetAsync(
        string deployment, string id, string? max_points, string? since, IRegistryStore store, IEvidenceSeriesStore series, IOptions<EvidenceSeriesOptions> options, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        if (id.Length is 0 or > EvidencePointRow.MaxKeyLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return ApiError.BadRequest("invalid_rollout_id", $"'{RequestInput.Echo(id)}' is not a rollout id (letters, digits, '-', '_' and '.', as 'rollout status' shows it).");
        }

        var stored = options.Value.MaxPoints;
        var most = stored;
        if (max_points is not null && (!int.TryParse(max_points, NumberStyles.None, CultureInfo.InvariantCulture, out most) || most < 2 || most > stored))
        {
            return ApiError.BadRequest("invalid_max_points", $"'{RequestInput.Echo(max_points)}' is not a number of points: use a whole number from 2 to {stored}.");
        }

        DateTimeOffset? after = null;
        if (since is not null)
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return ApiError.BadRequest("invalid_since", $"'{RequestInput.Echo(since)}' is not a time: use an RFC 3339 time such as a point's 'at'.");
            }

            after = parsed;
        }

        if (await store.GetDeploymentAsync(deployment, ct) is null)
        {
            return DeploymentEndpoints.UnknownDeployment(deployment);
        }

        // The active rollout is one row; only an older one needs the deployment's list.
        var rollout = await store.GetActiveRolloutAsync(deployment, ct) is { } active && active.Id == id
            ? active
            : (await store.ListRolloutsAsync(deployment, ct)).FirstOrDefault(r => r.Id == id);
        if (rollout is null)
        {
            return ApiError.NotFound("rollout_not_found", $"Deployment '{deployment}' has no rollout '{id}'.");
        }

        var points = (await series.ReadEvidencePointsAsync(id, ct)).ToLookup(p => p.Guardrail, StringComparer.Ordinal);
        var guardrails = rollout.Guardrails.Keys.Select(key =>
        {
            // A poll passes the latest 'at' it holds and gets only what came after (stored to the millisecond).
            var all = points[key].Where(p => after is not { } a || p.At.ToUnixTimeMilliseconds() > a.ToUnixTimeMilliseconds()).ToList();
            return new EvidenceSeriesView.GuardrailSeries(key, points[key].LastOrDefault(p => p.Threshold is not null)?.Threshold, [.. Spread(all, most).Select(EvidenceSeriesView.Point.Of)]);
        });
        return Results.Json(new EvidenceSeriesView(deployment, id, rollout.IsFinished, stored, [.. guardrails]), AdminJson.Options);
    }

    /// <summary>At most <paramref name="most"/> of <paramref name="all"/>, evenly spread, the first and the last always among them.</summary>
    private static IEnumerable<EvidencePointRow> Spread(List<EvidencePointRow> all, int most)
        => all.Count <= most
            ? all
            : Enumerable.Range(0, most).Select(i => all[(int)Math.Round(i * (all.Count - 1) / (double)(most - 1))]);
}
