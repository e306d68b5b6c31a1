using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Switchback.Core.Routing;
using Switchback.Gateway.Hosting;
using Switchback.Gateway.Responses;
using Switchback.Gateway.Tests.Hosting;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.Responses;

/// <summary>GET/DELETE /v1/responses/{id} and /cancel go to the version that created the response.</summary>
public sealed class StoredResponseRoutingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<UpstreamSimulator> SimAsync() =>
        UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0 }, ct: Ct);

    [Fact]
    public async Task StoredResponse_DuringCanary_EveryCallReachesTheCreatingVersion()
    {
        await using var stable = await SimAsync();
        await using var candidate = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: GatewayHost.StableAndCandidate(stable.BaseAddress, candidate.BaseAddress));
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 5_000));
        var created = new List<(string Id, string Version, bool Stream)>();
        for (var i = 0; i < 16; i++)
        {
            var stream = i % 2 == 1;
            using var response = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", $"q{i}", stream ? ""","stream":true""" : "", stickyKey: $"user-{i}"), Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            var id = stream
                ? (string)JsonNode.Parse(body.Split("\n\n")[0].Split("data: ")[1])!["response"]!["id"]!
                : (string)JsonNode.Parse(body)!["id"]!;
            created.Add((id, response.Headers.GetValues("x-switchback-version").Single(), stream));
        }

        Assert.Equal(2, created.Select(c => c.Version).Distinct().Count());
        var requestsBefore = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Requests
            + host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Requests;

        foreach (var (id, version, _) in created)
        {
            // Every call comes from a key that would be routed elsewhere half the time: the id alone decides.
            using var get = await host.Client.GetAsync($"/v1/responses/{id}", Ct);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(version, get.Headers.GetValues("x-switchback-version").Single());
            Assert.Equal(id, (string?)JsonNode.Parse(await get.Content.ReadAsStringAsync(Ct))!["id"]);
            using var cancel = await host.Client.PostAsync($"/v1/responses/{id}/cancel", null, Ct);
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            Assert.Equal(version, cancel.Headers.GetValues("x-switchback-version").Single());
        }

        var onStable = created.Count(c => c.Version == "1");
        Assert.Equal(3 * onStable, stable.Stats.RequestsTo(SimEndpoint.Responses));
        Assert.Equal(3 * (16 - onStable), candidate.Stats.RequestsTo(SimEndpoint.Responses));
        var requestsAfter = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Requests
            + host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Requests;
        Assert.Equal(requestsBefore, requestsAfter);
    }

    [Fact]
    public async Task StoredResponse_Deleted_IsForgottenAndThen404ResponseNotFound()
    {
        await using var sim = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(sim.BaseAddress)));
        using var created = await host.Client.SendAsync(ResponsesApiTests.Responses("svc"), Ct);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["id"]!;

        using var deleted = await host.Client.DeleteAsync($"/v1/responses/{id}", Ct);
        using var gone = await host.Client.GetAsync($"/v1/responses/{id}", Ct);

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.True((bool)JsonNode.Parse(await deleted.Content.ReadAsStringAsync(Ct))!["deleted"]!);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("response_not_found", (string?)JsonNode.Parse(await gone.Content.ReadAsStringAsync(Ct))!["error"]!["code"]);
        Assert.Equal(2, sim.Stats.RequestsTo(SimEndpoint.Responses));
    }

    [Fact]
    public async Task StoredResponse_UnknownId_Is404ResponseNotFoundAndNoUpstreamIsAsked()
    {
        await using var sim = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(sim.BaseAddress)));

        using var get = await host.Client.GetAsync("/v1/responses/resp_never_seen", Ct);
        using var delete = await host.Client.DeleteAsync("/v1/responses/resp_never_seen", Ct);
        using var cancel = await host.Client.PostAsync("/v1/responses/resp_never_seen/cancel", null, Ct);

        foreach (var response in new[] { get, delete, cancel })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
            Assert.Equal("response_not_found", (string?)error["code"]);
            Assert.Equal("invalid_request_error", (string?)error["type"]);
            Assert.Contains("resp_never_seen", (string?)error["message"], StringComparison.Ordinal);
        }

        Assert.Equal(0, sim.Stats.Requests);
    }

    [Fact]
    public async Task StoredResponse_CreatingVersionRolledBack_StillReachesItsUpstream()
    {
        await using var stable = await SimAsync();
        await using var candidate = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: GatewayHost.StableAndCandidate(stable.BaseAddress, candidate.BaseAddress));
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000));
        using var created = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", stickyKey: "k"), Ct);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["id"]!;
        await host.SetRoutingAsync(new RoutingState("svc", 1));

        using var get = await host.Client.GetAsync($"/v1/responses/{id}", Ct);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("2", get.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal(0, stable.Stats.Requests);
    }

    [Fact]
    public async Task StoredResponse_GetWithStreamTrue_QueryReachesTheCreatingVersionWhichReplaysTheEvents()
    {
        await using var stable = await SimAsync();
        await using var candidate = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: GatewayHost.StableAndCandidate(stable.BaseAddress, candidate.BaseAddress));
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000));
        using var created = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "Stream this answer", stickyKey: "k"), Ct);
        var stored = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!;
        var id = (string)stored["id"]!;
        await host.SetRoutingAsync(new RoutingState("svc", 1));
        var countedBefore = host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Requests;

        using var replayed = await host.Client.GetAsync($"/v1/responses/{id}?stream=true", Ct);
        var events = PassThrough.Sse.Typed(await replayed.Content.ReadAsStringAsync(Ct));
        using var resumed = await host.Client.GetAsync($"/v1/responses/{id}?stream=true&starting_after=3", Ct);
        var rest = PassThrough.Sse.Typed(await resumed.Content.ReadAsStringAsync(Ct));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (replayed.StatusCode, resumed.StatusCode));
        Assert.Equal(("2", "2"), (replayed.Headers.GetValues("x-switchback-version").Single(), resumed.Headers.GetValues("x-switchback-version").Single()));
        Assert.Equal("text/event-stream", replayed.Content.Headers.ContentType?.MediaType);
        Assert.Equal("response.created", events[0].Type);
        Assert.Equal(("response.completed", stored.ToJsonString()), (events[^1].Type, events[^1].Data["response"]!.ToJsonString()));
        Assert.Equal(
            (string?)stored["output"]![0]!["content"]![0]!["text"],
            string.Concat(events.Where(e => e.Type == "response.output_text.delta").Select(e => (string?)e.Data["delta"])));
        Assert.Equal(events.Skip(4).Select(e => e.Data.ToJsonString()), rest.Select(e => e.Data.ToJsonString()));
        Assert.Equal((0L, 3L), (stable.Stats.Requests, candidate.Stats.RequestsTo(SimEndpoint.Responses)));
        Assert.Equal(countedBefore, host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Requests);
    }

    [Fact]
    public void BoundedResponseAffinity_Full_EvictsTheLeastRecentlyUsed()
    {
        var affinity = new BoundedResponseAffinity(Options.Create(new GatewayOptions { ResponseAffinityCapacity = 2 }));
        affinity.Remember(AffinityKey.Response("a"), new ResponseOwner("svc", 1));
        affinity.Remember(AffinityKey.Response("b"), new ResponseOwner("svc", 2));
        Assert.True(affinity.TryFind(AffinityKey.Response("a"), out _));

        affinity.Remember(AffinityKey.Response("c"), new ResponseOwner("svc", 3));

        Assert.True(affinity.TryFind(AffinityKey.Response("a"), out var a));
        Assert.Equal(new ResponseOwner("svc", 1), a);
        Assert.False(affinity.TryFind(AffinityKey.Response("b"), out _));
        Assert.True(affinity.TryFind(AffinityKey.Response("c"), out _));
        Assert.Equal(2, affinity.Count);
        affinity.Forget(AffinityKey.Response("a"));
        Assert.False(affinity.TryFind(AffinityKey.Response("a"), out _));
    }

    [Fact]
    public void GatewayOptions_ResponseAffinityCapacityZero_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GatewayOptions { ResponseAffinityCapacity = 0 }.Validate());
        Assert.Contains("response affinity capacity", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":"resp_1","object":"response","output":[]}""", false, "resp_1")]
    [InlineData("""{"object":"response","id":"resp_2"}""", false, "resp_2")]
    [InlineData("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_3\",\"status\":\"in_progress\"}}\n\n", true, "resp_3")]
    [InlineData("""{"error":{"message":"x"}}""", false, null)]
    [InlineData("""{"id":"resp_cut","output":[{"type":"mess""", false, "resp_cut")]
    [InlineData("""{"output":[{"type":"mess""", false, null)]
    public void CreatedResponseId_FindsTheIdOfTheObservedAnswer(string observed, bool stream, string? expected)
    {
        Assert.Equal(expected, CreatedResponseId.Find(System.Text.Encoding.UTF8.GetBytes(observed), stream));
    }
}
