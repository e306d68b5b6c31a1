using Microsoft.AspNetCore.Http;
using Switchback.UpstreamSim.Protocol;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>
/// GET and DELETE /v1/responses/{id}, POST /v1/responses/{id}/cancel on the stored responses. The simulator finishes
/// every response before answering, so cancel finds nothing running: it returns the stored response unchanged, as
/// OpenAI does for a response that has already completed. <c>GET …?stream=true</c> replays the stored response's typed
/// events, as OpenAI does, all at once; <c>starting_after=N</c> resumes after the event numbered N. No faults are injected
/// here (as for /v1/models); the down profile hangs.
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

        var replay = false;
        var startingAfter = -1L;
        if (HttpMethods.IsGet(method) && !TryReplayQuery(context.Request.Query, out replay, out startingAfter, out var queryError, out var param))
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status400BadRequest, queryError, "invalid_request_error", "invalid_request", param);
            stats.Completed(SimEndpoint.Responses, SimOutcome.BadRequest);
            return;
        }

        var deleted = HttpMethods.IsDelete(method) && _responses.Remove(id);
        var stored = HttpMethods.IsDelete(method) ? null : _responses.Get(id);
        if (!deleted && stored is null)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound, $"Response with id '{Text.Truncate(id, 128)}' not found.",
                "invalid_request_error", "response_not_found", "response_id");
            stats.Completed(SimEndpoint.Responses, SimOutcome.NotFound);
            return;
        }

        if (replay && stored is not null)
        {
            context.Response.Headers["x-sim-response-id"] = Text.HeaderSafe(id);
            await StreamResponseAsync(context, stored, stored.ToJson(), replay: true, startingAfter);
            stats.Completed(SimEndpoint.Responses, SimOutcome.Ok);
            return;
        }

        context.Response.ContentType = "application/json";
        if (deleted)
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
            await context.Response.BodyWriter.WriteAsync(stored!.ToJson(), context.RequestAborted);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        stats.Completed(SimEndpoint.Responses, SimOutcome.Ok);
    }

    /// <summary>
    /// A GET's <c>stream</c> (<c>true</c> or <c>false</c>, default false) and <c>starting_after</c> (a sequence number ≥ 0,
    /// only with <c>stream=true</c>); false with a message and the parameter's name when either is malformed.
    /// </summary>
    private static bool TryReplayQuery(IQueryCollection query, out bool stream, out long startingAfter, out string error, out string? param)
    {
        stream = false;
        startingAfter = -1;
        error = "";
        param = null;
        if (query.TryGetValue("stream", out var streamValue))
        {
            stream = streamValue is [ "true" ];
            if (!stream && streamValue is not [ "false" ])
            {
                (error, param) = ($"'stream' must be true or false, got '{Text.Truncate(streamValue.ToString(), 64)}'", "stream");
                return false;
            }
        }

        if (query.TryGetValue("starting_after", out var afterValue))
        {
            if (!stream)
            {
                (error, param) = ("'starting_after' needs stream=true", "starting_after");
                return false;
            }

            if (afterValue.Count != 1 || !long.TryParse(afterValue[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out startingAfter))
            {
                (error, param) = ($"'starting_after' must be a sequence number (an integer ≥ 0), got '{Text.Truncate(afterValue.ToString(), 64)}'", "starting_after");
                return false;
            }
        }

        return true;
    }
}
