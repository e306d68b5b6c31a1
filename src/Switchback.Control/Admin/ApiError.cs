using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Switchback.Control.Admin;

/// <summary>OpenAI-shaped errors: <c>{"error":{"message","type","code"}}</c>, optionally with manifest details or a conflict.</summary>
public static class ApiError
{
    /// <summary>An error result with the given status, OpenAI error type, machine code and human message.</summary>
    public static IResult Result(int status, string type, string code, string message)
        => Results.Json(new ErrorEnvelope(new ErrorBody(message, type, code)), AdminJson.Options, statusCode: status);

    /// <summary>Writes an error to a response directly (for middleware, where no endpoint result exists).</summary>
    public static Task WriteAsync(HttpContext context, int status, string type, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorEnvelope(new ErrorBody(message, type, code)), AdminJson.Options);
    }

    internal static IResult BadRequest(string code, string message) => Result(StatusCodes.Status400BadRequest, "invalid_request_error", code, message);

    internal static IResult NotFound(string code, string message) => Result(StatusCodes.Status404NotFound, "not_found_error", code, message);

    internal static IResult Conflict(string code, string message) => Result(StatusCodes.Status409Conflict, "conflict_error", code, message);

    internal static IResult Unauthorized(string message) => Result(StatusCodes.Status401Unauthorized, "authentication_error", "invalid_api_key", message);

    internal static IResult Forbidden(string message) => Result(StatusCodes.Status403Forbidden, "permission_error", "insufficient_role", message);

    internal sealed record ErrorEnvelope(ErrorBody Error);

    internal sealed record ErrorBody(
        string Message,
        string Type,
        string Code,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ManifestErrorDetail>? Details = null);

    internal sealed record ManifestErrorDetail(string Source, int? Document, string Path, string Message);
}
