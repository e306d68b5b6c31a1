using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>An OpenAI-shaped upstream on a loopback port that records the <c>Authorization</c> header of every request.</summary>
internal sealed class CredentialRecorder : IAsyncDisposable
{
    private readonly WebApplication app;

    private CredentialRecorder(WebApplication app) => this.app = app;

    /// <summary>The <c>model.endpoint</c> to register: the recorder's <c>/v1</c>.</summary>
    public string Endpoint => app.Urls.First().TrimEnd('/') + "/v1";

    /// <summary>"METHOD PATH AUTHORIZATION" of each request received, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<CredentialRecorder> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var recorder = new CredentialRecorder(builder.Build());
        recorder.app.Run(context =>
        {
            recorder.Requests.Enqueue($"{context.Request.Method} {context.Request.Path} {context.Request.Headers.Authorization}");
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}""");
        });
        await recorder.app.StartAsync();
        return recorder;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
