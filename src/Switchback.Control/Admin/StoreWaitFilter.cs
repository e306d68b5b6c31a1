using Microsoft.AspNetCore.Http;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>
/// Runs every admin request under <see cref="WriterLockWait.Interactive"/>: when another process holds the store's writer lock,
/// the caller hears 503 <c>store_unavailable</c> within seconds rather than after the 30 s background wait.
/// </summary>
internal sealed class StoreWaitFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        using (WriterLockWait.Use(WriterLockWait.Interactive))
        {
            return await next(context);
        }
    }
}
