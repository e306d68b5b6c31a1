using Microsoft.AspNetCore.Http;
using Switchback.UpstreamSim.Protocol;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>
/// GET and DELETE /v1/responses/{id}, POST /v1/responses/{id}/cancel on the stored responses. The simulator finishes
/// every response before answering, so cancel finds nothing running: it returns the stored response unchanged, as
/// OpenAI does for a response that has already completed. No faults are injected here (as for /v1/models); the down
/// profile hangs.
/// </summary>
internal sealed partial class SimHandler
{
    private const string ResponsesPrefix = "/v1/responses/";

    private async Task ResponseByIdAsync(HttpContext context, string rest)
    {
        stats.Received(SimEndpoint.Responses);
        if (IsDown)
        {
            await HangAsync(context, SimEndpoint.Responses);
            return;
        }

        var method = context.Request.Method;
        var cancel = rest.EndsWith("/cancel", StringComparison.Ordinal);
        var id = cancel ? rest[..^"/cancel".Length] : rest;
        var allowed = cancel ? HttpMethods.IsPost(method) : HttpMethods.IsGet(method) || HttpMethods.IsDelete(method);
        if (id.Length == 0 || id.Contains('/', StringComparison.Ordinal))
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound, $"Unknown path {context.Request.Path.Value}", "invalid_request_error", "not_found");
            stats.Completed(SimEndpoint.Responses, SimOutcome.NotFound);
            return;
        }

        if (!allowed)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status405MethodNotAllowed,
                $"Method {method} is not allowed on {context.Request.Path.Value}", "invalid_request_error", "method_not_allowed");
            stats.Completed(SimEndpoint.Responses, SimOutcome.NotFound);
            return;
        }

        var stored = HttpMethods.IsDelete(method) ? (_responses.Remove(id) ? [] : null) : _responses.Get(id);
        if (stored is null)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound, $"Response with id '{Text.Truncate(id, 128)}' not found.",
                "invalid_request_error", "response_not_found", "response_id");
            stats.Completed(SimEndpoint.Responses, SimOutcome.NotFound);
            return;
        }

        context.Response.ContentType = "application/json";
        if (HttpMethods.IsDelete(method))
        {
            using var json = new System.Text.Json.Utf8JsonWriter(context.Response.BodyWriter);
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("object", "response");
            json.WriteBoolean("deleted", true);
            json.WriteEndObject();
        }
        else
        {
            context.Response.Headers["x-sim-response-id"] = Text.HeaderSafe(id);
            await context.Response.BodyWriter.WriteAsync(stored, context.RequestAborted);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        stats.Completed(SimEndpoint.Responses, SimOutcome.Ok);
    }
}
