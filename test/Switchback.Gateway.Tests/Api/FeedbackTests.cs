using System.Net;
using System.Text;
using Switchback.Core.Routing;
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
