using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchback.Core.Routing;
using Switchback.Gateway.Health;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Tests.Hosting;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.Health;

public sealed class VersionHealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProbeAll_DownUpstream_BecomesUnhealthyWithOpenBreaker_HealthyOneStaysHealthy()
    {
        await using var up = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0 }, ct: Ct);
        await using var down = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", Profile = SimProfile.Down, DownMode = DownMode.Refuse }, ct: Ct);
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(up.BaseAddress));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(down.BaseAddress));
        });
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 0));
        var monitor = host.Services.GetRequiredService<VersionHealthMonitor>();
        Assert.Equal(HealthState.Unknown, monitor.GetHealth("svc", 2).State);

        await monitor.ProbeAllAsync(Ct);
        var afterOne = monitor.GetHealth("svc", 2);
        Assert.Equal((HealthState.Degraded, BreakerState.Closed, 1), (afterOne.State, afterOne.Breaker, afterOne.ConsecutiveFailures));
        Assert.NotNull(afterOne.LastProbeError);
        for (var i = 0; i < 4; i++)
        {
            await monitor.ProbeAllAsync(Ct);
        }

        var down5 = monitor.GetHealth("svc", 2);
        Assert.Equal((HealthState.Unhealthy, BreakerState.Open, false), (down5.State, down5.Breaker, down5.IsServing));
        var healthy = monitor.GetHealth("svc", 1);
        Assert.Equal((HealthState.Healthy, BreakerState.Closed, 200), (healthy.State, healthy.Breaker, healthy.LastProbeStatus));
        Assert.Equal(new Uri(up.BaseAddress, "v1"), healthy.Endpoint);
    }

    [Fact]
    public async Task Chat_CandidateBreakerOpen_GoesStraightToStable_ThenHalfOpenRecovers()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
        var failing = true;
        await using var stable = await RecordingUpstream.StartAsync();
        await using var candidate = await RecordingUpstream.StartAsync(c =>
        {
            c.Response.StatusCode = failing ? 503 : 200;
            c.Response.ContentType = "application/json";
            return c.Response.WriteAsync("""{"choices":[{"index":0,"message":{"role":"assistant","content":"c"}}]}""");
        });
        await using var host = await GatewayHost.StartAsync(
            time,
            seed: GatewayHost.StableAndCandidate(stable.BaseAddress, candidate.BaseAddress),
            health: o =>
            {
                // Only real traffic feeds the breaker here: a probe on the advanced clock would close it by itself.
                o.ProbeInterval = TimeSpan.FromHours(1);
                o.FailureThreshold = 3;
                o.CoolDown = TimeSpan.FromSeconds(10);
            });
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, RoutingState.FullBps));

        for (var i = 0; i < 5; i++)
        {
            using var response = await host.Client.SendAsync(GatewayHost.Chat("svc", $"k{i}"), Ct);
            Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
        }

        // Three failures opened the breaker: the last two requests never reached the candidate.
        Assert.Equal(3, candidate.Requests.Count);
        var counted = host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((3L, 2L), (counted.Errors.Http5xx, counted.Counters[GatewayCounters.CircuitOpen]));
        Assert.Equal(BreakerState.Open, host.Services.GetRequiredService<IVersionHealthMonitor>().GetHealth("svc", 2).Breaker);

        failing = false;
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(BreakerState.HalfOpen, host.Services.GetRequiredService<IVersionHealthMonitor>().GetHealth("svc", 2).Breaker);
        using (var trial = await host.Client.SendAsync(GatewayHost.Chat("svc", "trial"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, trial.StatusCode);
            Assert.Equal("2", trial.Headers.GetValues("x-switchback-version").Single());
        }

        var recovered = host.Services.GetRequiredService<IVersionHealthMonitor>().GetHealth("svc", 2);
        Assert.Equal((HealthState.Healthy, BreakerState.Closed), (recovered.State, recovered.Breaker));
    }

    [Fact]
    public async Task CheckNow_HealthyUpstream_ProbesAndSendsSyntheticChatThroughTheBundle()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        var prompt = new JsonObject { ["prompt"] = new JsonObject { ["system"] = "You work for {{ company }}.", ["variables"] = new JsonObject { ["company"] = "Acme" } } };
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress, "real-name", prompt)));
        var monitor = host.Services.GetRequiredService<IVersionHealthMonitor>();

        var health = await monitor.CheckNowAsync("svc", 1, Ct);

        Assert.NotNull(health);
        Assert.Equal((HealthState.Healthy, 200, 200, (string?)null), (health.State, health.LastProbeStatus, health.LastCheckStatus, health.LastCheckError));
        var requests = upstream.Requests.ToArray();
        Assert.Equal(["GET /v1/models", "POST /v1/chat/completions"], requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        var chat = JsonNode.Parse(requests[1].Body)!;
        Assert.Equal("real-name", (string?)chat["model"]);
        Assert.Equal("You work for Acme.", (string?)chat["messages"]![0]!["content"]);
        Assert.Null(await monitor.CheckNowAsync("svc", 9, Ct));
    }

    [Fact]
    public async Task CheckNow_UpstreamAnswers500_UnhealthyBeforeTheBreakerOpens()
    {
        await using var upstream = await RecordingUpstream.StartAsync(c =>
        {
            c.Response.StatusCode = c.Request.Method == "GET" ? 200 : 500;
            return Task.CompletedTask;
        });
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        var health = await host.Services.GetRequiredService<IVersionHealthMonitor>().CheckNowAsync("svc", 1, Ct);

        Assert.Equal((HealthState.Unhealthy, 500, "HTTP 500", 1), (health!.State, health.LastCheckStatus, health.LastCheckError, health.ConsecutiveFailures));
        Assert.Equal(BreakerState.Closed, health.Breaker);
        Assert.False(health.IsServing);
    }

    [Fact]
    public async Task CheckNow_ProbeFailsButChatSucceeds_UnhealthyThoughTheBreakerLooksHealthy_ThenRecovers()
    {
        var down = true;
        await using var upstream = await RecordingUpstream.StartAsync(c =>
        {
            c.Response.StatusCode = Volatile.Read(ref down) && c.Request.Method == "GET" ? 503 : 200;
            return Task.CompletedTask;
        });
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));
        var monitor = host.Services.GetRequiredService<IVersionHealthMonitor>();

        var failed = await monitor.CheckNowAsync("svc", 1, Ct);
        var passive = monitor.GetHealth("svc", 1);
        Volatile.Write(ref down, false);
        var recovered = await monitor.CheckNowAsync("svc", 1, Ct);

        Assert.Equal((HealthState.Unhealthy, "HTTP 503", (string?)null), (failed!.State, failed.LastProbeError, failed.LastCheckError));
        // The synthetic request's success reset the breaker: only the on-demand result remembers the failed probe.
        Assert.Equal(HealthState.Healthy, passive.State);
        Assert.Equal(HealthState.Healthy, recovered!.State);
        Assert.True(recovered.IsServing);
    }
}
