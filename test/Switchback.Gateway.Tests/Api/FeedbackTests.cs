using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Switchback.Core.Routing;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Units;
using Switchback.Gateway.Tests.Hosting;

namespace Switchback.Gateway.Tests.Api;

public sealed class FeedbackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Feedback_KnownRequest_AttributedToTheVersionThatServedIt()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress, "a"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress, "b"));
        });
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000));
        using var served = await host.Client.SendAsync(GatewayHost.Chat("svc", "k"), Ct);
        var id = served.Headers.GetValues("x-switchback-request-id").Single();

        using var down = await Post(host, $$"""{"request_id":"{{id}}","score":-1,"escalated":true,"comment":"wrong"}""");
        using var up = await Post(host, $$"""{"request_id":"{{id}}","score":0.5}""");

        Assert.Equal(HttpStatusCode.OK, down.StatusCode);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        var feedback = host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Feedback;
        Assert.Equal((2L, 1L, 1L), (feedback.Count, feedback.ThumbsDown, feedback.Escalations));
        Assert.Equal(0, host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Feedback.Count);
    }

    [Fact]
    public async Task Feedback_HeavyUserOnAnotherReplica_IsOneFeedbackUnitOfItsKey_AndAKeylessRequestIsItsOwn()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress, "a"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress, "b"));
        });
        await using var other = await GatewayHost.StartAsync();
        var secret = Enumerable.Repeat((byte)3, 32).ToArray();
        host.Services.GetRequiredService<RequestIds>().UseKey(secret);
        other.Services.GetRequiredService<RequestIds>().UseKey(secret);
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 5_000, Salt: "r-feedback"));

        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var served = await host.Client.SendAsync(GatewayHost.Chat("svc", i < 5 ? "heavy" : null), Ct);
            ids.Add(served.Headers.GetValues("x-switchback-request-id").Single());
        }

        // The replica that did not serve them knows the requests only by their signed ids.
        foreach (var id in ids)
        {
            using var down = await Post(other, $$"""{"request_id":"{{id}}","score":-1}""");
            Assert.Equal(HttpStatusCode.OK, down.StatusCode);
        }

        var units = other.Services.GetRequiredService<UnitTracker>().Closed("svc", "r-feedback", 0, long.MaxValue, UnitKind.Feedback);
        Assert.Equal(2, units.Count);
        Assert.Single(units, u => u.KeyHash != 0);
        Assert.All(units, u => Assert.Equal((UnitFlags.ThumbsDown, 5_000), ((UnitFlags)u.Failures, u.WeightBps)));
        var votes = other.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Feedback.Count + other.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Feedback.Count;
        Assert.Equal(6, votes);
    }

    [Theory]
    [InlineData("""{"request_id":"req_unknown","score":1}""", HttpStatusCode.NotFound)]
    [InlineData("""{"request_id":"req_x","score":2}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"score":1}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"request_id":"req_x","score":1,"escalated":"yes"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"request_id":""", HttpStatusCode.BadRequest)]
    public async Task Feedback_BadOrUnknown_IsRefused(string body, HttpStatusCode expected)
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await Post(host, body);

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> Post(GatewayHost host, string body)
        => host.Client.PostAsync("/v1/feedback", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
}
