using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Switchback.Gateway.Api;

/// <summary>Writes OpenAI-shaped errors: <c>{"error": {"message", "type", "code"}}</c>.</summary>
internal static class OpenAiErrors
{
    public static Task WriteAsync(HttpContext context, int status, string type, string code, string message)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["code"] = code, ["param"] = null },
        };
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    public static Task BadRequest(HttpContext context, string code, string message) => WriteAsync(context, 400, "invalid_request_error", code, message);
}
