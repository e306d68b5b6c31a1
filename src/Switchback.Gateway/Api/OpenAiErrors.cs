using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Switchback.Gateway.Api;

/// <summary>Writes OpenAI-shaped errors: <c>{"error": {"message", "type", "code", "param"}}</c> (<c>param</c> names the offending field, or is null).</summary>
internal static class OpenAiErrors
{
    public static Task WriteAsync(HttpContext context, int status, string type, string code, string message, string? param = null)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(Json(type, code, message, param), context.RequestAborted);
    }

    /// <summary>The error as JSON text; also the <c>data:</c> of an error event that ends a stream.</summary>
    public static string Json(string type, string code, string message, string? param = null)
        => new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["code"] = code, ["param"] = param },
        }.ToJsonString();

    public static Task BadRequest(HttpContext context, string code, string message, string? param = null) => WriteAsync(context, 400, "invalid_request_error", code, message, param);

    /// <summary>The most characters of client input an error message repeats.</summary>
    public const int MaxEcho = 128;

    /// <summary>
    /// Client input as an error message repeats it: cut to <see cref="MaxEcho"/> characters and marked with an ellipsis,
    /// so a hostile 100,000-character name does not come back whole in every error.
    /// </summary>
    public static string Echo(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // Never cut a surrogate pair in half, and replace a lone half the client escaped: the JSON writer refuses both.
        var length = text.Length <= MaxEcho ? text.Length : char.IsHighSurrogate(text[MaxEcho - 1]) ? MaxEcho - 1 : MaxEcho;
        var echo = new System.Text.StringBuilder(length + 1);
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in text.AsSpan(0, length).EnumerateRunes())
        {
            echo.Append(utf16[..rune.EncodeToUtf16(utf16)]);
        }

        return length < text.Length ? echo.Append('…').ToString() : echo.ToString();
    }
}
