using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Switchback.Core.Bundles;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Api;

/// <summary>
/// <c>POST /v1/feedback {"request_id", "score": 1|-1|0..1, "escalated", "comment"}</c>: attributes feedback to the version
/// that served the request, through the <see cref="RequestJournal"/>. The comment is accepted but not stored.
/// </summary>
internal sealed class FeedbackEndpoint(RequestJournal journal, RequestIds ids, FeedbackRecorder feedback, TimeProvider time)
{
    private const long MaxBytes = 64 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        var raw = await RequestBodyReader.ReadAsync(context.Request, MaxBytes, context.RequestAborted);
        if (raw is null)
        {
            await OpenAiErrors.WriteAsync(context, 413, "invalid_request_error", "request_too_large", $"feedback is limited to {MaxBytes} bytes");
            return;
        }

        // JsonNode does not check the UTF-8 inside strings until a value is read, and then throws what would be a 500.
        if (!Utf8.IsValid(raw))
        {
            await OpenAiErrors.BadRequest(context, "invalid_json", "the feedback is not valid UTF-8 text");
            return;
        }

        JsonObject body;
        try
        {
            body = JsonNode.Parse(raw) as JsonObject ?? throw new JsonException("the body must be a JSON object");
        }
        catch (JsonException ex)
        {
            await OpenAiErrors.BadRequest(context, "invalid_json", $"the feedback is not valid JSON: {ex.Message}");
            return;
        }

        if (body["request_id"] is not JsonValue id || id.GetValueKind() != JsonValueKind.String || Text(id) is not { Length: > 0 } requestId)
        {
            await OpenAiErrors.BadRequest(context, "invalid_request_id", "'request_id' must be the x-switchback-request-id of a response");
            return;
        }

        if (body["score"] is not JsonValue scoreValue || !scoreValue.TryGetValue<double>(out var score) || !(score == -1 || score is >= 0 and <= 1))
        {
            await OpenAiErrors.BadRequest(context, "invalid_score", "'score' must be 1 (thumbs up), -1 (thumbs down) or a number from 0 to 1");
            return;
        }

        var escalated = false;
        if (body["escalated"] is { } e && (e.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)))
        {
            await OpenAiErrors.BadRequest(context, "invalid_escalated", "'escalated' must be true or false");
            return;
        }
        else if (body["escalated"] is { } flag)
        {
            escalated = flag.GetValue<bool>();
        }

        if (body["comment"] is { } comment && comment.GetValueKind() != JsonValueKind.String)
        {
            await OpenAiErrors.BadRequest(context, "invalid_comment", "'comment' must be a string");
            return;
        }

        string deployment;
        int version;
        var signed = ids.TryRead(requestId, out _, out var signedDeployment, out var signedVersion, out var servedAt, out var signedUnit)
                     && time.GetUtcNow() - servedAt < journal.MaxAge && DeploymentName.IsValid(signedDeployment, out _);
        if (journal.TryGet(RequestIds.BaseOf(requestId), out var entry))
        {
            (deployment, version) = (entry.Deployment, entry.Version);
        }
        else if (signed)
        {
            // Served by another replica (or before this one restarted): the signed id names the version, so no lookup is needed.
            (deployment, version) = (signedDeployment, signedVersion);
        }
        else
        {
            await OpenAiErrors.WriteAsync(context, 404, "invalid_request_error", "request_not_found", $"no recent request has id '{OpenAiErrors.Echo(requestId)}'");
            return;
        }

        feedback.Record(deployment, version, score, escalated, signed ? signedUnit : null);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            new JsonObject { ["request_id"] = requestId, ["deployment"] = deployment, ["version"] = version, ["recorded"] = true }.ToJsonString(),
            context.RequestAborted);
    }

    /// <summary>The string, or null when its escapes make a lone surrogate (which is not text, and JsonValue throws on reading it).</summary>
    private static string? Text(JsonValue value)
    {
        try
        {
            return value.GetValue<string>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
