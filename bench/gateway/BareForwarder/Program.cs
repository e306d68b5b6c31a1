using System.Net;
using Yarp.ReverseProxy.Forwarder;

// A featureless forwarder: every request goes to one upstream through one pooled HttpMessageInvoker.
// It is the floor that a .NET gateway on Kestrel + YARP can reach on this machine; Switchback is held to it.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddHttpForwarder();

var upstreamText = builder.Configuration["upstream"];
if (!Uri.TryCreate(upstreamText, UriKind.Absolute, out var upstream) || upstream.Scheme is not ("http" or "https"))
{
    await Console.Error.WriteLineAsync(
        $"BareForwarder: --upstream must be an absolute http(s) URL, e.g. --upstream http://127.0.0.1:9001 (got '{upstreamText}').");
    return 2;
}

var app = builder.Build();
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    // No distributed-tracing headers: the floor carries no feature the upstream did not ask for.
    ActivityHeadersPropagator = null,
    ConnectTimeout = TimeSpan.FromSeconds(15),
});
var destination = upstream.GetLeftPart(UriPartial.Authority);

// A failed forward has already been answered with 502/504 by the forwarder; the floor does nothing more.
app.Map("/{**path}", async (HttpContext context) =>
{
    _ = await forwarder.SendAsync(context, destination, invoker, ForwarderRequestConfig.Empty, HttpTransformer.Empty);
});

await app.RunAsync();
return 0;
