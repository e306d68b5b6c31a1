using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchback.Control.Tests.Alerts.Support;

/// <summary>A real Kestrel webhook on 127.0.0.1; every request is handed to the test through <see cref="NextAsync"/>.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Channel<ReceivedRequest> requests = Channel.CreateUnbounded<ReceivedRequest>();
    private readonly Func<int, HttpContext, Task> respond;
    private int count;

    private WebhookReceiver(WebApplication app, Func<int, HttpContext, Task> respond)
    {
        this.app = app;
        this.respond = respond;
    }

    /// <summary>The webhook's URL, with a path that plays the secret a real Slack URL carries.</summary>
    public Uri Url { get; private set; } = null!;

    public int Count => Volatile.Read(ref count);

    /// <summary>Starts a receiver; <paramref name="respond"/> gets the 1-based request number and answers (default 200).</summary>
    public static async Task<WebhookReceiver> StartAsync(Func<int, HttpContext, Task>? respond = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, respond ?? ((_, _) => Task.CompletedTask));
        app.MapPost("/hooks/{**rest}", receiver.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        receiver.Url = new Uri(new Uri(app.Urls.Single()), "/hooks/T000/B000/s3cr3t-token");
        return receiver;
    }

    /// <summary>The next request, in arrival order; fails the test after 30 s (a safety net, not a wait).</summary>
    public async Task<ReceivedRequest> NextAsync()
    {
        using var safety = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        safety.CancelAfter(TimeSpan.FromSeconds(30));
        return await requests.Reader.ReadAsync(safety.Token);
    }

    public bool TryNext(out ReceivedRequest request) => requests.Reader.TryRead(out request!);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref count);
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var request = new ReceivedRequest(
            number, context.Request.Path, context.Request.ContentType, context.Request.Headers.UserAgent.ToString(), JsonDocument.Parse(body).RootElement.Clone());
        requests.Writer.TryWrite(request);
        await respond(number, context);
    }

    /// <summary>Answers after the request is aborted: a receiver that never answers.</summary>
    public static async Task HangAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up, which is what a hanging receiver is for.
        }
    }
}

/// <summary>One request a <see cref="WebhookReceiver"/> got.</summary>
internal sealed record ReceivedRequest(int Number, string Path, string? ContentType, string UserAgent, JsonElement Body);
