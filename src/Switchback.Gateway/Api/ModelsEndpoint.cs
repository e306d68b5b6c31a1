using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Switchback.Core.Routing;

namespace Switchback.Gateway.Api;

/// <summary><c>GET /v1/models</c>: the deployments clients may call, in OpenAI's list shape.</summary>
internal sealed class ModelsEndpoint(RoutingTableHolder routing)
{
    public Task HandleAsync(HttpContext context)
    {
        var data = new JsonArray();
        foreach (var state in routing.Current.States.OrderBy(s => s.Deployment, StringComparer.Ordinal))
        {
            data.Add(new JsonObject { ["id"] = state.Deployment, ["object"] = "model", ["created"] = 0, ["owned_by"] = "switchback" });
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(new JsonObject { ["object"] = "list", ["data"] = data }.ToJsonString(), context.RequestAborted);
    }
}
