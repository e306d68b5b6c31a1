using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchback.Control.Admin;
using Switchback.Storage;

namespace Switchback.Server.Hosting;

/// <summary>
/// Turns exceptions into OpenAI-shaped errors: Kestrel's request errors (413 too large, 408 body too slow, bad framing) keep their status,
/// an unavailable store is a 503 <c>store_unavailable</c> with <c>Retry-After</c> and the store's own message, and anything else
/// is a 500 that never shows the exception to the client.
/// </summary>
internal sealed class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger)
{
    /// <summary>The <c>Retry-After</c> of a 503 <c>store_unavailable</c>, in seconds: about one interactive writer lock wait.</summary>
    public const int StoreRetryAfterSeconds = 5;

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            ServerLog.Rejected(logger, context.Request.Method, context.Request.Path, ex.StatusCode, ex.Message);
            var (code, message) = ex.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => ("request_too_large", "The request body is too large."),

                // Kestrel's MinRequestBodyDataRate: the client sent its body slower than the server's minimum rate.
                StatusCodes.Status408RequestTimeout => ("request_timeout", $"The request body arrived more slowly than the server's minimum rate (serve --min-client-rate): {ex.Message}"),
                _ => ("bad_request", $"The request is malformed: {ex.Message}"),
            };
            await ApiError.WriteAsync(context, ex.StatusCode, "invalid_request_error", code, message);
        }
        catch (StoreUnavailableException ex) when (!context.Response.HasStarted)
        {
            // The store's message names the problem (locked, file gone, server unreachable) and never a connection string; the
            // driver's exception, when there is one, is the detail worth a stack trace.
            ServerLog.StoreUnavailable(logger, ex.InnerException, context.Request.Method, context.Request.Path, ex.Message);
            context.Response.Clear();
            context.Response.Headers.RetryAfter = StoreRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ApiError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "server_error", "store_unavailable", ex.Message);
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
