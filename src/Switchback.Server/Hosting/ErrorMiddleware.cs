using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchback.Control.Admin;

namespace Switchback.Server.Hosting;

/// <summary>
/// Turns exceptions into OpenAI-shaped errors: Kestrel's request errors (413 too large, bad framing) keep their status,
/// anything else is a 500 that never shows the exception to the client.
/// </summary>
internal sealed class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            ServerLog.Rejected(logger, context.Request.Method, context.Request.Path, ex.StatusCode, ex.Message);
            var tooLarge = ex.StatusCode == StatusCodes.Status413PayloadTooLarge;
            await ApiError.WriteAsync(
                context,
                ex.StatusCode,
                "invalid_request_error",
                tooLarge ? "request_too_large" : "bad_request",
                tooLarge ? "The request body is too large." : $"The request is malformed: {ex.Message}");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            ServerLog.Unhandled(logger, ex, context.Request.Method, context.Request.Path);
            context.Response.Clear();
            await ApiError.WriteAsync(context, StatusCodes.Status500InternalServerError, "server_error", "internal_error", "Internal server error; see the server log.");
        }
    }
}
