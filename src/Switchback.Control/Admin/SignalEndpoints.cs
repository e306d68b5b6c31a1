using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchback.Core.Access;
using Switchback.Gateway.Signals;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Live per-version signals of a deployment, as this process's gateway measured them.</summary>
internal static class SignalEndpoints
{
    /// <summary>The longest window that may be asked for.</summary>
    private static readonly TimeSpan MaxWindow = TimeSpan.FromHours(24);

    public static void Map(IEndpointRouteBuilder api)
        => api.MapGet("/deployments/{deployment}/signals", GetAsync).RequireRole(Role.Viewer);

    private static async Task<IResult> GetAsync(string deployment, string? window, IRegistryStore store, SignalRegistry signals, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var span = TimeSpan.FromSeconds(60);
        if (window is not null && (!TryParseWindow(window, out span) || span <= TimeSpan.Zero || span > MaxWindow))
        {
            return ApiError.BadRequest("invalid_window", $"'{window}' is not a window: use a duration such as 30s, 5m or 1h (at most 24h).");
        }

        if (await store.GetDeploymentAsync(deployment, ct) is null)
        {
            return DeploymentEndpoints.UnknownDeployment(deployment);
        }

        var versions = signals.Snapshot(deployment, span).Select(SignalView.Of);
        return Results.Json(new { Deployment = deployment, WindowSeconds = span.TotalSeconds, Versions = versions }, AdminJson.Options);
    }

    /// <summary>Seconds, minutes or hours with a unit: "30s", "5m", "1h" (also the series' window and step).</summary>
    internal static bool TryParseWindow(string text, out TimeSpan span)
    {
        span = default;
        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        span = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            _ => TimeSpan.Zero,
        };
        return span > TimeSpan.Zero;
    }
}
