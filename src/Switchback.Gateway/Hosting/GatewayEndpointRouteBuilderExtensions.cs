using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchback.Gateway.Api;
using Switchback.Gateway.Application;
using Switchback.Gateway.Metrics;

namespace Switchback.Gateway.Hosting;

/// <summary>Maps the data-plane endpoints of PRODUCT.md §3.</summary>
public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST /v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/embeddings</c>, <c>/v1/responses</c>,
    /// <c>GET</c>/<c>DELETE /v1/responses/{id}</c>, <c>POST /v1/responses/{id}/cancel</c>, <c>GET /v1/models</c>,
    /// <c>POST /v1/feedback</c>, <c>ANY /d/{deployment}/{**path}</c> and <c>GET /metrics</c> (Prometheus, no key).
    /// </summary>
    public static IEndpointRouteBuilder MapSwitchbackGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var handler = endpoints.ServiceProvider.GetRequiredService<GatewayRequestHandler>();
        endpoints.MapPost("/v1/chat/completions", (HttpContext c) => handler.HandleOpenAiAsync(c, EndpointKind.Chat));
        endpoints.MapPost("/v1/completions", (HttpContext c) => handler.HandleOpenAiAsync(c, EndpointKind.Completions));
        endpoints.MapPost("/v1/embeddings", (HttpContext c) => handler.HandleOpenAiAsync(c, EndpointKind.Embeddings));
        endpoints.MapPost("/v1/responses", (HttpContext c) => handler.HandleOpenAiAsync(c, EndpointKind.Responses));
        endpoints.MapGet("/v1/responses/{id}", (HttpContext c, string id) => handler.HandleStoredResponseAsync(c, id, GatewayRequestHandler.StoredResponseAction.Get));
        endpoints.MapDelete("/v1/responses/{id}", (HttpContext c, string id) => handler.HandleStoredResponseAsync(c, id, GatewayRequestHandler.StoredResponseAction.Delete));
        endpoints.MapPost("/v1/responses/{id}/cancel", (HttpContext c, string id) => handler.HandleStoredResponseAsync(c, id, GatewayRequestHandler.StoredResponseAction.Cancel));
        endpoints.MapGet("/v1/models", (HttpContext c) => endpoints.ServiceProvider.GetRequiredService<ModelsEndpoint>().HandleAsync(c));
        endpoints.MapPost("/v1/feedback", (HttpContext c) => endpoints.ServiceProvider.GetRequiredService<FeedbackEndpoint>().HandleAsync(c));
        endpoints.Map("/d/{deployment}/{**path}", (HttpContext c, string deployment, string? path) => handler.HandleRawAsync(c, deployment, path));
        endpoints.MapGet("/metrics", (HttpContext c) => endpoints.ServiceProvider.GetRequiredService<MetricsEndpoint>().HandleAsync(c));
        return endpoints;
    }
}
