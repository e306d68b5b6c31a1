using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Switchback.Gateway.Forwarding;

/// <summary>
/// One pooled <see cref="HttpMessageInvoker"/> per upstream origin (scheme://host:port), created on first use and kept
/// for the life of the gateway, with the handler settings YARP recommends for proxying. HTTPS upstreams are checked
/// against the system's trust store, and against <see cref="Hosting.GatewayOptions.UpstreamCaFile"/> when one is set
/// (<see cref="UpstreamTrust"/>). Thread-safe.
/// </summary>
internal sealed class UpstreamClients(Microsoft.Extensions.Options.IOptions<Hosting.GatewayOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<HttpMessageInvoker>> clients = new(StringComparer.OrdinalIgnoreCase);

    // Loaded once; GatewayOptions.Validate has refused a bundle that does not load, at start-up.
    private readonly UpstreamTrust? trust = options.Value.UpstreamCaFile is { } file ? UpstreamTrust.TryLoad(file, out _) : null;

    public HttpMessageInvoker For(Uri endpoint) => For(endpoint.GetLeftPart(UriPartial.Authority));

    /// <summary>The invoker for an origin given as scheme://host:port.</summary>
    public HttpMessageInvoker For(string origin)
        => clients.GetOrAdd(origin, static (_, trust) => new Lazy<HttpMessageInvoker>(() => Create(trust)), trust).Value;

    public void Dispose()
    {
        foreach (var client in clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }

    private static HttpMessageInvoker Create(UpstreamTrust? trust) => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = trust is null ? null : trust.Validate },
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        ConnectTimeout = TimeSpan.FromSeconds(15),
    });
}
