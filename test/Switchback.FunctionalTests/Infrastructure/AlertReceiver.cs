using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>A real webhook receiver on a loopback port: records every JSON body posted to it.</summary>
internal sealed class AlertReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Channel<JsonNode> bodies = Channel.CreateUnbounded<JsonNode>();
    private readonly System.Collections.Concurrent.ConcurrentQueue<JsonNode> all = new();

    /// <summary>Every body received so far, in order.</summary>
    public IReadOnlyList<JsonNode> All => [.. all];

    private AlertReceiver(WebApplication app) => this.app = app;

    /// <summary>The URL to put in a rollout's <c>alerts</c>.</summary>
    public string Url => app.Urls.First().TrimEnd('/') + "/hooks/oncall";

    public static async Task<AlertReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new AlertReceiver(builder.Build());
        receiver.app.MapPost("/hooks/oncall", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            receiver.all.Enqueue(body!);
            await receiver.bodies.Writer.WriteAsync(body!);
            return Results.Ok();
        });
        await receiver.app.StartAsync();
        return receiver;
    }

    /// <summary>The first alert of <paramref name="kind"/>, waiting at most <paramref name="limit"/>.</summary>
    public async Task<JsonNode> WaitForAsync(string kind, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await foreach (var body in bodies.Reader.ReadAllAsync(timeout.Token))
            {
                if (body["kind"]?.GetValue<string>() == kind)
                {
                    return body;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"no '{kind}' alert within {limit}");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
