using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchback.Core.Routing;
using Switchback.Gateway.Shadow;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Tests.Hosting;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.Shadow;

public sealed class ShadowTrafficTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly RoutingState FullShadow = new("svc", 1, ShadowVersion: 2, ShadowSampleBps: RoutingState.FullBps);

    [Fact]
    public async Task Chat_ShadowUpstreamHangs_ClientAnsweredWhileShadowPending_AndShadowAnswerNeverReturned()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stable = await RecordingUpstream.StartAsync();
        await using var shadow = await RecordingUpstream.StartAsync(async c =>
        {
            received.TrySetResult();
            await release.Task.WaitAsync(c.RequestAborted);
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync("""{"choices":[{"index":0,"message":{"role":"assistant","content":"shadow-secret"}}]}""");
        });
        await using var host = await StartAsync(stable, shadow);
        await host.SetRoutingAsync(FullShadow);
        var queue = host.Services.GetRequiredService<ShadowQueue>();

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc", "k"), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        await received.Task.WaitAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal("ok", (string?)JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]);
        Assert.Equal(0, queue.Completed);
        Assert.Equal(0, host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Requests);

        release.SetResult();
        await queue.WaitForCompletedAsync(1, Ct);

        var shadowSignals = host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((1L, 1L, 1L), (shadowSignals.Requests, shadowSignals.Counters[GatewayCounters.ShadowRequests], shadowSignals.Counters[GatewayCounters.ShadowCompared]));
        Assert.Equal(0, shadowSignals.Counters[GatewayCounters.ShadowExactMatch]);
        Assert.Equal(1, host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Requests);
        Assert.Equal("up-model", (string?)JsonNode.Parse(Assert.Single(shadow.Requests).Body)!["model"]);
    }

    [Fact]
    public async Task Chat_ShadowQueueFull_DropsAndCountsWithoutFailingClients()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stable = await RecordingUpstream.StartAsync();
        await using var shadow = await RecordingUpstream.StartAsync(async c =>
        {
            received.TrySetResult();
            await release.Task.WaitAsync(c.RequestAborted);
            c.Response.StatusCode = 204;
        });
        await using var host = await StartAsync(stable, shadow, o =>
        {
            o.QueueCapacity = 1;
            o.Workers = 1;
        });
        await host.SetRoutingAsync(FullShadow);
        var queue = host.Services.GetRequiredService<ShadowQueue>();

        // The first copy occupies the only worker, the second fills the queue, the next two find it full.
        using (var first = await host.Client.SendAsync(GatewayHost.Chat("svc", "k"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await received.Task.WaitAsync(Ct);
        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Client.SendAsync(GatewayHost.Chat("svc", $"k{i}"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(2, queue.Dropped);
        Assert.Equal(2, host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Counters[GatewayCounters.ShadowDropped]);
        Assert.Equal(4, host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Requests);

        release.SetResult();
        await queue.WaitForCompletedAsync(2, Ct);
        Assert.Equal(2, shadow.Requests.Count);
    }

    [Theory]
    [InlineData(GatewayHost.ChatPath)]
    [InlineData(GatewayHost.CompletionsPath)]
    public async Task IdenticalUpstreams_AgreementIsOne(string path)
    {
        await using var stable = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 7 }, ct: Ct);
        await using var twin = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 7 }, ct: Ct);

        var shadow = await RunShadowedAsync(stable.BaseAddress, twin.BaseAddress, requests: 20, path);

        Assert.Equal(20, twin.Stats.Requests);
        Assert.Equal(20, shadow.Counters[GatewayCounters.ShadowRequests]);
        Assert.Equal(20, shadow.Counters[GatewayCounters.ShadowCompared]);
        Assert.Equal(20_000_000, shadow.Counters[GatewayCounters.ShadowAgreementMicros]);
        Assert.Equal(20, shadow.Counters[GatewayCounters.ShadowExactMatch]);
    }

    [Theory]
    [InlineData(GatewayHost.ChatPath)]
    [InlineData(GatewayHost.CompletionsPath)]
    public async Task SilentRegressionShadow_AgreementIsLower(string path)
    {
        await using var stable = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 7 }, ct: Ct);
        await using var regressed = await UpstreamSimulator.StartAsync(
            new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 7, Profile = SimProfile.SilentRegression, RegressionRate = 0.5 }, ct: Ct);

        var shadow = await RunShadowedAsync(stable.BaseAddress, regressed.BaseAddress, requests: 20, path);

        var compared = shadow.Counters[GatewayCounters.ShadowCompared];
        Assert.Equal(20, compared);
        var meanAgreement = shadow.Counters[GatewayCounters.ShadowAgreementMicros] / 1e6 / compared;
        Assert.InRange(meanAgreement, 0, 0.9);
        Assert.InRange(shadow.Counters[GatewayCounters.ShadowExactMatch], 0, 15);
    }

    [Fact]
    public async Task Embeddings_Shadowed_CopySentButNeverCompared()
    {
        await using var stable = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 7 }, ct: Ct);
        await using var twin = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 7 }, ct: Ct);

        var shadow = await RunShadowedAsync(stable.BaseAddress, twin.BaseAddress, requests: 20, GatewayHost.EmbeddingsPath);

        Assert.Equal((20L, 20L), (stable.Stats.RequestsTo(SimEndpoint.Embeddings), twin.Stats.RequestsTo(SimEndpoint.Embeddings)));
        Assert.Equal((20L, 20L), (shadow.Requests, shadow.Counters[GatewayCounters.ShadowRequests]));
        Assert.True(shadow.TokensIn > 0);
        foreach (var comparison in new[]
        {
            GatewayCounters.ShadowCompared, GatewayCounters.ShadowAgreementMicros, GatewayCounters.ShadowExactMatch,
            GatewayCounters.ShadowLatencyDeltaMs, GatewayCounters.ShadowJsonCompared, GatewayCounters.ShadowJsonEqual,
        })
        {
            Assert.Equal(0, shadow.Counters[comparison]);
        }
    }

    private static async Task<SignalSnapshot> RunShadowedAsync(Uri stable, Uri shadow, int requests, string path = GatewayHost.ChatPath)
    {
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(stable, "m"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(shadow, "m"));
        });
        await host.SetRoutingAsync(FullShadow);
        for (var i = 0; i < requests; i++)
        {
            using var response = await host.Client.SendAsync(GatewayHost.Inference(path, "svc", $"k{i}", content: $"question number {i} about policy"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await host.Services.GetRequiredService<ShadowQueue>().WaitForCompletedAsync(requests, Ct);
        return host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1));
    }

    private static Task<GatewayHost> StartAsync(RecordingUpstream stable, RecordingUpstream shadow, Action<ShadowOptions>? configure = null)
        => GatewayHost.StartAsync(
            seed: async store =>
            {
                await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(stable.BaseAddress, "s"));
                await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(shadow.BaseAddress, "up-model"));
            },
            shadow: configure);
}
