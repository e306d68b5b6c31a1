using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>Writes OpenAI-shaped errors: <c>{"error": {"message", "type", "code"}}</c>.</summary>
internal static class OpenAiError
{
    public static async Task WriteAsync(HttpContext context, int status, string message, string type, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            json.WriteString("code", code);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static Task BadRequestAsync(HttpContext context, string message, string code = "invalid_request") =>
        WriteAsync(context, StatusCodes.Status400BadRequest, message, "invalid_request_error", code);
}
