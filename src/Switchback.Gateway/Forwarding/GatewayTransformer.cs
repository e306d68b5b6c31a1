using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Switchback.Gateway.Forwarding;

/// <summary>
/// One attempt's request and response transforms: sends the (possibly rewritten) buffered body to the bundle's endpoint,
/// drops the client's gateway credentials and Switchback request headers, adds the upstream credential and the pinned
/// retrieval/tokenizer headers; on the way back, asks for a retry on 5xx while failover is still possible (before any
/// byte is written) and detects out-of-memory answers; the body is observed by the stand-in response body that
/// <see cref="UpstreamForwarder"/> installs for the attempt. One instance per attempt.
/// </summary>
internal sealed class GatewayTransformer(ForwardPlan plan, bool retryOnFailure, ResponseObservation observation) : HttpTransformer
{
    private const int ErrorBodyLimit = 64 * 1024;

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = plan.Target;
        proxyRequest.Headers.Authorization = null;
        // The client's headers were copied as they are; the handler already noted which of them are Switchback's.
        if (plan.StripHeaders is { } strip)
        {
            foreach (var name in strip)
            {
                proxyRequest.Headers.Remove(name);
            }
        }

        if (plan.Credential is { Length: > 0 } credential)
        {
            proxyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        if (plan.Retrieval is { } retrieval)
        {
            proxyRequest.Headers.TryAddWithoutValidation(GatewayHeaders.Retrieval, retrieval);
        }

        if (plan.Tokenizer is { } tokenizer)
        {
            proxyRequest.Headers.TryAddWithoutValidation(GatewayHeaders.Tokenizer, tokenizer);
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null)
        {
            return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        }

        var status = (int)proxyResponse.StatusCode;
        observation.Status = status;
        observation.IsStream = proxyResponse.Content.Headers.ContentType?.MediaType == "text/event-stream";
        observation.ExpectedLength = DeclaredLength(proxyResponse.Content.Headers);
        if (status >= 500)
        {
            var bytes = await ReadBoundedAsync(proxyResponse.Content, cancellationToken);
            observation.OutOfMemory = status == 507 || OutOfMemory.Names(bytes);
            if (retryOnFailure)
            {
                observation.RetryRequested = true;
                return false;
            }

            var replacement = new ByteArrayContent(bytes);
            foreach (var header in proxyResponse.Content.Headers)
            {
                replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            proxyResponse.Content = replacement;
        }

        var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        GatewayHeaders.SetResponse(httpContext.Response, plan.Deployment, plan.Version, plan.RequestId);
        return proceed;
    }

    // The raw Content-Length, read without making HttpContentHeaders parse (and box) it.
    private static long? DeclaredLength(HttpContentHeaders headers)
        => headers.NonValidated.TryGetValues("Content-Length", out var values) && values.Count == 1
           && long.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : null;

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[ErrorBodyLimit];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return buffer[..length];
    }
}
