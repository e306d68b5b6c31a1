using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Switchback.Core.Routing;
using Switchback.Gateway.Tests.Hosting;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.Forwarding;

public sealed class ForwardingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(GatewayHost.ChatPath)]
    [InlineData(GatewayHost.CompletionsPath)]
    [InlineData(GatewayHost.EmbeddingsPath)]
    public async Task CandidateAnswers503_ClientGetsStableAndCandidateCountsTheError(string path)
    {
        await using var stable = await RecordingUpstream.StartAsync();
        await using var broken = await RecordingUpstream.StartAsync(c =>
        {
            c.Response.StatusCode = 503;
            return c.Response.WriteAsync("""{"error":{"message":"overloaded"}}""");
        });
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(stable.BaseAddress, "s"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(broken.BaseAddress, "c"));
        });
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000));

        using var response = await host.Client.SendAsync(GatewayHost.Inference(path, "svc", "k"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal(path, Assert.Single(broken.Requests).PathAndQuery);
        var served = Assert.Single(stable.Requests);
        Assert.Equal((path, "s"), (served.PathAndQuery, (string?)JsonNode.Parse(served.Body)!["model"]));
        var candidate = host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((1L, 1L), (candidate.Requests, candidate.Errors.Http5xx));
        var stableSignals = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((1L, 0L), (stableSignals.Requests, stableSignals.Errors.Total));
    }

    [Theory]
    [InlineData(GatewayHost.ChatPath)]
    [InlineData(GatewayHost.CompletionsPath)]
    [InlineData(GatewayHost.EmbeddingsPath)]
    public async Task CandidateRefusesConnections_ClientGetsStableAndCandidateCountsTheError(string path)
    {
        await using var stable = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0 }, ct: Ct);
        await using var down = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", Profile = SimProfile.Down, DownMode = DownMode.Refuse }, ct: Ct);
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(stable.BaseAddress, "s"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(down.BaseAddress, "c"));
        });
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000));

        using var response = await host.Client.SendAsync(GatewayHost.Inference(path, "svc", "k"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal(1, stable.Stats.Requests);
        var candidate = host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((1L, 1L), (candidate.Requests, candidate.Errors.Connect));
        var stableSignals = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((1L, 0L), (stableSignals.Requests, stableSignals.Errors.Total));
    }

    [Fact]
    public async Task Chat_StableUpstreamDown_Is502()
    {
        await using var down = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", Profile = SimProfile.Down, DownMode = DownMode.Refuse }, ct: Ct);
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(down.BaseAddress)));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("upstream_unreachable", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_UpstreamSlowerThanTimeout_Is504AndCountsTimeout()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
        var received = new TaskCompletionSource();
        await using var hanging = await RecordingUpstream.StartAsync(async c =>
        {
            received.TrySetResult();
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        });
        await using var host = await GatewayHost.StartAsync(time, seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(
            hanging.BaseAddress, extra: new JsonObject { ["serving"] = new JsonObject { ["timeout_ms"] = 2_000 } })));

        var pending = host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        time.Advance(TimeSpan.FromMilliseconds(2_001));
        using var response = await pending;

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("upstream_timeout", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(1, host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Errors.Timeout);
    }

    [Fact]
    public async Task Chat_Stream_FirstChunkReachesClientBeforeUpstreamFinishes()
    {
        var release = new TaskCompletionSource();
        await using var upstream = await RecordingUpstream.StartAsync(async c =>
        {
            c.Response.ContentType = "text/event-stream";
            await c.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"content\":\"first\"}}]}\n\n");
            await c.Response.Body.FlushAsync();
            await release.Task;
            await c.Response.WriteAsync("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":9}}\n\ndata: [DONE]\n\n");
        });
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        var first = await reader.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.False(release.Task.IsCompleted);
        release.SetResult();
        var rest = await reader.ReadToEndAsync(Ct);

        Assert.Contains("first", first, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);
        var signals = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((1L, 4L, 9L, 1L), (signals.Requests, signals.TokensIn, signals.TokensOut, signals.TimeToFirstToken.Count));
    }

    [Fact]
    public async Task Chat_BodyOverLimit_Is413()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(configure: o => o.MaxRequestBodyBytes = 2048, seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc", content: new string('x', 3000)), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("request_too_large", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Theory]
    [InlineData("{\"model\": \"svc\", ")]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    public async Task Chat_MalformedJson_Is400(string body)
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var response = await host.Client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Chat_NRequests_SignalCountsAndTokensExact()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        for (var i = 0; i < 12; i++)
        {
            using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var signals = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((12L, 0L, 84L, 36L, 12L), (signals.Requests, signals.Errors.Total, signals.TokensIn, signals.TokensOut, signals.Latency.Count));
    }

    [Fact]
    public async Task Chat_UpstreamOom_CountsOomAndPassesTheError()
    {
        await using var oom = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", Profile = SimProfile.Oom, OomRate = 1, LatencyMs = 0 }, ct: Ct);
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(oom.BaseAddress)));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal((HttpStatusCode)507, response.StatusCode);
        Assert.Contains("out of memory", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);

        // The error carries its Content-Length, so the client may have all of it before the gateway records the attempt.
        var oomCount = 0L;
        for (var until = DateTimeOffset.UtcNow.AddSeconds(10); (oomCount = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Errors.Oom) == 0 && DateTimeOffset.UtcNow < until;)
        {
            await Task.Delay(10, Ct);
        }

        Assert.Equal(1, oomCount);
    }
}
