using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Switchback.Server.Dashboard;

/// <summary>
/// The operator's console under <c>/ui/</c> (docs/ui.md): static files only; the page reads and acts through the admin
/// API with the key the operator typed, so the console has no authority of its own.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>
    /// Nothing but this origin's own files and API: no inline script, no third-party host, not framed (the key lives in
    /// this page's session storage, so nothing else may run in it).
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        // Routing treats /ui and /ui/ as one template; the page's relative asset links need the slash.
        endpoints.MapGet("/ui/{file?}", (HttpContext http, string? file) => file is null && !http.Request.Path.Value!.EndsWith('/')
            ? Results.Redirect("/ui/")
            : Serve(http, file ?? "index.html"));
        return endpoints;
    }

    private static IResult Serve(HttpContext http, string file)
    {
        if (!DashboardAssets.All.TryGetValue(file, out var asset))
        {
            return Results.NotFound();
        }

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";

        // Revalidated on every load (a 304 costs a few bytes), so a new binary's console is picked up at once.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        headers.Vary = HeaderNames.AcceptEncoding;
        if (http.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        if (http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentEncoding = "gzip";
            return Results.Bytes(asset.Gzipped, asset.ContentType);
        }

        return Results.Bytes(asset.Body, asset.ContentType);
    }
}
