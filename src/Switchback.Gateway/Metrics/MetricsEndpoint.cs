using Microsoft.AspNetCore.Http;

namespace Switchback.Gateway.Metrics;

/// <summary><c>GET /metrics</c>: the Prometheus text exposition, without authentication (like <c>/healthz</c>; it holds no secrets).</summary>
internal sealed class MetricsEndpoint(PrometheusExposition exposition)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public Task HandleAsync(HttpContext context)
    {
        context.Response.ContentType = ContentType;
        return context.Response.WriteAsync(exposition.Write(), context.RequestAborted);
    }
}
