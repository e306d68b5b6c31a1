using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>Writes OpenAI-shaped errors: <c>{"error": {"message", "type", "code"}}</c>, with <c>param</c> when one is named.</summary>
internal static class OpenAiError
{
    public static async Task WriteAsync(HttpContext context, int status, string message, string type, string code, string? param = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        // Relaxed escaping keeps quotes in messages readable ('…', not \u0027), as OpenAI writes them; the body is JSON, never HTML.
        using (var json = new Utf8JsonWriter(context.Response.BodyWriter, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            if (param is not null)
            {
                json.WriteString("param", param);
            }

            json.WriteString("code", code);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static Task BadRequestAsync(HttpContext context, string message, string code = "invalid_request") =>
        WriteAsync(context, StatusCodes.Status400BadRequest, message, "invalid_request_error", code);
}
