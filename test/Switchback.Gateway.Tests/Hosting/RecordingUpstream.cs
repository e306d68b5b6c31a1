using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchback.Gateway.Tests.Hosting;

/// <summary>A tiny Kestrel upstream that records every request it gets and answers with a handler the test supplies.</summary>
internal sealed class RecordingUpstream : IAsyncDisposable
{
    private readonly WebApplication app;

    private RecordingUpstream(WebApplication app, Uri address, ConcurrentQueue<RecordedRequest> requests)
    {
        this.app = app;
        BaseAddress = address;
        Requests = requests;
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; }

    /// <summary>Starts the upstream; with <paramref name="certificate"/> it serves HTTPS with that certificate.</summary>
    public static async Task<RecordingUpstream> StartAsync(Func<HttpContext, Task>? respond = null, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        respond ??= c =>
        {
            c.Response.ContentType = "application/json";
            return c.Response.WriteAsync("""{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}""");
        };
        var requests = new ConcurrentQueue<RecordedRequest>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(certificate is null ? "http://127.0.0.1:0" : "https://127.0.0.1:0");
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration().ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = TestCertificates.ForKestrel(certificate)));
        }

        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                body,
                context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty));
            await respond(context);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new RecordingUpstream(app, address, requests);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>One request as the upstream received it: <paramref name="RawTarget"/> is the request line's target as sent, before Kestrel decoded it.</summary>
internal sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body, string RawTarget);
