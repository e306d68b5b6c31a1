using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchback.Control.Fleet;
using Switchback.Core.Access;
using Switchback.Gateway.Fleet;
using Switchback.Gateway.Signals;
using Switchback.Storage;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Admin;

/// <summary>
/// <c>GET /deployments/{d}/signals/series</c>: a deployment's per-version signals as a time series of equal buckets, for the
/// console's charts (docs/api.md). Nothing is kept for it: a fleet sharing signals reads the windows every replica shipped to
/// the store (the same rows the controller decides on, up to the fleet's watermark), so every replica answers alike and a
/// replica's death loses nothing already shipped; one server reads its own one-second rings (the last hour).
/// </summary>
internal static class SignalSeriesEndpoints
{
    /// <summary>The longest window: the rings' default horizon and the store's default signal retention.</summary>
    private static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    /// <summary>The most buckets per version in one answer, so a poll's cost stays bounded.</summary>
    private const int MaxPoints = 360;

    public static void Map(IEndpointRouteBuilder api)
        => api.MapGet("/deployments/{deployment}/signals/series", GetAsync).RequireRole(Role.Viewer);

    private static async Task<IResult> GetAsync(
        HttpContext http, string deployment, string? window, string? step, IRegistryStore store, IFleetStore fleet, SignalRegistry signals,
        IOptions<FleetOptions> fleetOptions, TimeProvider time, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var span = TimeSpan.FromMinutes(10);
        if (window is not null && (!SignalEndpoints.TryParseWindow(window, out span) || span > MaxWindow))
        {
            return ApiError.BadRequest("invalid_window", $"'{RequestInput.Echo(window)}' is not a window: use a duration such as 30s, 5m or 1h (at most 1h).");
        }

        var bucket = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(span.TotalSeconds / 60)));
        if (step is not null && (!SignalEndpoints.TryParseWindow(step, out bucket) || bucket > span))
        {
            return ApiError.BadRequest("invalid_step", $"'{RequestInput.Echo(step)}' is not a step: use a duration such as 5s or 1m, at most the window ({span.TotalSeconds:0}s).");
        }

        var points = (int)Math.Ceiling(span.TotalSeconds / bucket.TotalSeconds);
        if (points > MaxPoints)
        {
            return ApiError.BadRequest("invalid_step", $"a {span.TotalSeconds:0}s window in {bucket.TotalSeconds:0}s steps gives {points} points; at most {MaxPoints}: use a longer step.");
        }

        if (await store.GetDeploymentAsync(deployment, ct) is null)
        {
            return DeploymentEndpoints.UnknownDeployment(deployment);
        }

        var stepSeconds = (long)bucket.TotalSeconds;
        var now = time.GetUtcNow();
        SignalSeries series;
        if (fleetOptions.Value.ShareSignals)
        {
            var through = FleetRolloutSignals.Watermark(await fleet.ListReplicasAsync(ct), now);
            var (from, to) = SignalSeries.Range(through, stepSeconds, points);
            var rows = await fleet.ReadSignalWindowsAsync(deployment, from, to, ct);
            series = SignalSeries.FromRows(rows, http.RequestServices.GetRequiredService<SignalShipment>(), deployment, from, through, stepSeconds, points);
        }
        else
        {
            series = SignalSeries.FromRings(signals.Versions(deployment), now.ToUnixTimeSeconds() + 1, stepSeconds, points);
        }

        return Results.Json(series with { Deployment = deployment }, AdminJson.Options);
    }
}
