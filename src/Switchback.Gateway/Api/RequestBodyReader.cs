using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchback.Gateway.Api;

/// <summary>Reads a whole request body into memory up to a limit (bodies are buffered so a failed attempt can be replayed).</summary>
internal static class RequestBodyReader
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>The body, or null when it is larger than <paramref name="limit"/>.</summary>
    /// <remarks>
    /// A <see cref="ValueTask{TResult}"/>: a small body usually arrives with its headers, so the read completes
    /// synchronously and allocates no task (one of the per-request allocations the gateway benchmark measured).
    /// </remarks>
    public static async ValueTask<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        // The gateway enforces its own (configurable) limit with a clear 413, so lift the server's.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (request.ContentLength is { } declared && declared <= Array.MaxLength)
        {
            return await ReadDeclaredAsync(request.Body, (int)declared, cancellationToken);
        }

        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            using var buffer = new MemoryStream();
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    // The common case: Content-Length is known (and within the limit), so the body is read straight into its own array.
    private static async ValueTask<byte[]> ReadDeclaredAsync(Stream body, int length, CancellationToken cancellationToken)
    {
        var bytes = length == 0 ? [] : new byte[length];
        var filled = 0;
        while (filled < length)
        {
            var read = await body.ReadAsync(bytes.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                // Kestrel reports a body shorter than its Content-Length as a BadHttpRequestException; this is a guard.
                throw new BadHttpRequestException("the request body ended before its Content-Length", StatusCodes.Status400BadRequest);
            }

            filled += read;
        }

        return bytes;
    }
}
