using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Switchback.Gateway.Forwarding;

/// <summary>
/// One pooled <see cref="HttpMessageInvoker"/> per upstream origin (scheme://host:port), created on first use and kept
/// for the life of the gateway, with the handler settings YARP recommends for proxying. Thread-safe.
/// </summary>
internal sealed class UpstreamClients : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<HttpMessageInvoker>> clients = new(StringComparer.OrdinalIgnoreCase);

    public HttpMessageInvoker For(Uri endpoint) => For(endpoint.GetLeftPart(UriPartial.Authority));

    /// <summary>The invoker for an origin given as scheme://host:port.</summary>
    public HttpMessageInvoker For(string origin)
        => clients.GetOrAdd(origin, static _ => new Lazy<HttpMessageInvoker>(Create)).Value;

    public void Dispose()
    {
        foreach (var client in clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }

    private static HttpMessageInvoker Create() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        ConnectTimeout = TimeSpan.FromSeconds(15),
    });
}
