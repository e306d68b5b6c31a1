using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Switchback.Gateway.Forwarding;

/// <summary>
/// The proxy's header rules, as YARP's default transformer applies them: hop-by-hop and connection-level headers stay on
/// their own hop in both directions, the upstream's host comes from the target, and everything else passes unchanged.
/// On the way up Switchback also drops the client's gateway credential and its <c>x-switchback-*</c> headers, never
/// forwards <c>Expect</c> (the body is already read, so the upstream need not be asked to wait for it), and adds the
/// bundle's credential and pinned retrieval/tokenizer versions.
/// </summary>
internal static class UpstreamMessages
{
    private static readonly FrozenSet<string> HopByHop = new[]
    {
        HeaderNames.Connection, HeaderNames.TransferEncoding, HeaderNames.KeepAlive, HeaderNames.Upgrade, HeaderNames.ProxyConnection,
        HeaderNames.ProxyAuthenticate, "Proxy-Authentication-Info", HeaderNames.ProxyAuthorization, "Proxy-Features", "Proxy-Instruction",
        "Security-Scheme", "ALPN", "Close", "HTTP2-Settings", HeaderNames.UpgradeInsecureRequests, HeaderNames.TE, HeaderNames.AltSvc,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // Not copied from the client: set from the target or the body, or replaced by Switchback.
    private static readonly FrozenSet<string> RequestOwn = new[]
    {
        HeaderNames.Host, HeaderNames.ContentLength, HeaderNames.Authorization, HeaderNames.Expect,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The upstream request of one attempt: the client's method and headers, the plan's target and body.</summary>
    public static HttpRequestMessage Request(HttpRequest client, ForwardPlan plan)
    {
        // Version 2 or lower, as YARP asks by default: HTTP/2 where TLS negotiates it, HTTP/1.1 otherwise.
        var request = new HttpRequestMessage(Method(client.Method), plan.Target)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        if (plan.Body.Length > 0 || client.ContentLength is not null || client.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            request.Content = new ByteArrayContent(plan.Body);
        }

        foreach (var (name, value) in client.Headers)
        {
            if (!HopByHop.Contains(name) && !RequestOwn.Contains(name) && name[0] != ':'
                && !name.StartsWith(GatewayHeaders.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                Add(request, name, value);
            }
        }

        AddBundleHeaders(request, plan.Credential, plan.Retrieval, plan.Tokenizer);
        return request;
    }

    /// <summary>What a bundle adds to every upstream request: its credential and its pinned retrieval and tokenizer versions.</summary>
    public static void AddBundleHeaders(HttpRequestMessage request, string? credential, string? retrieval, string? tokenizer)
    {
        if (credential is { Length: > 0 })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        if (retrieval is not null)
        {
            request.Headers.TryAddWithoutValidation(GatewayHeaders.Retrieval, retrieval);
        }

        if (tokenizer is not null)
        {
            request.Headers.TryAddWithoutValidation(GatewayHeaders.Tokenizer, tokenizer);
        }
    }

    /// <summary>
    /// Copies the upstream's status and headers (its own and its content's) to the client's response, except hop-by-hop
    /// ones; with <paramref name="contentLength"/>, that length replaces the upstream's (its body was re-read).
    /// </summary>
    public static void CopyHead(HttpResponseMessage upstream, HttpResponse client, long? contentLength = null)
    {
        client.StatusCode = (int)upstream.StatusCode;
        if (upstream.ReasonPhrase is { } reason && reason != ReasonPhrases.GetReasonPhrase(client.StatusCode)
            && client.HttpContext.Features.Get<IHttpResponseFeature>() is { } feature)
        {
            feature.ReasonPhrase = reason;
        }

        var headers = client.Headers;
        foreach (var (name, values) in upstream.Headers.NonValidated)
        {
            if (!HopByHop.Contains(name))
            {
                headers[name] = Values(values);
            }
        }

        foreach (var (name, values) in upstream.Content.Headers.NonValidated)
        {
            if (!HopByHop.Contains(name) && (contentLength is null || !string.Equals(name, HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)))
            {
                headers[name] = Values(values);
            }
        }

        if (contentLength is { } length)
        {
            client.ContentLength = length;
        }
    }

    /// <summary>Whether the upstream's answer is a server-sent event stream, read without parsing its Content-Type.</summary>
    public static bool IsEventStream(HttpContentHeaders headers)
        => headers.NonValidated.TryGetValues(HeaderNames.ContentType, out var values) && values.Count == 1
           && values.ToString().AsSpan().TrimStart().StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);

    /// <summary>The raw Content-Length, read without making <see cref="HttpContentHeaders"/> parse (and box) it.</summary>
    public static long? DeclaredLength(HttpContentHeaders headers)
        => headers.NonValidated.TryGetValues(HeaderNames.ContentLength, out var values) && values.Count == 1
           && long.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : null;

    private static HttpMethod Method(string method)
    {
        if (HttpMethods.IsPost(method))
        {
            return HttpMethod.Post;
        }

        return HttpMethods.IsGet(method) ? HttpMethod.Get
            : HttpMethods.IsPut(method) ? HttpMethod.Put
            : HttpMethods.IsDelete(method) ? HttpMethod.Delete
            : HttpMethods.IsPatch(method) ? HttpMethod.Patch
            : HttpMethods.IsHead(method) ? HttpMethod.Head
            : HttpMethods.IsOptions(method) ? HttpMethod.Options
            : new HttpMethod(method);
    }

    // A header goes on the request or, for content headers (Content-Type and the like), on its content; a content header
    // of a request without a body, or a value with a line break (header injection), is dropped.
    private static void Add(HttpRequestMessage request, string name, StringValues value)
    {
        foreach (var v in value)
        {
            if (v is not null && v.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                return;
            }
        }

        if (value.Count == 1)
        {
            var single = value.ToString();
            if (!request.Headers.TryAddWithoutValidation(name, single))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, single);
            }
        }
        else if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value))
        {
            request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
        }
    }

    private static StringValues Values(HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            return values.ToString();
        }

        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            array[i++] = value;
        }

        return array;
    }
}
