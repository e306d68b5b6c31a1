using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchback.Core.Routing;
using Switchback.Gateway.Tests.Hosting;
using Switchback.Gateway.Units;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.Responses;

/// <summary>
/// Follow-ups naming <c>previous_response_id</c> or a <c>conversation</c> reach a version that knows them (docs/gateway.md,
/// "Conversation affinity"), through a real gateway to real simulators that store responses.
/// </summary>
public sealed class ConversationAffinityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<UpstreamSimulator> SimAsync() =>
        UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0 }, ct: Ct);

    private static string Extra(string? previous = null, string? conversation = null, bool stream = false)
        => (previous is null ? "" : $",\"previous_response_id\":{JsonValue.Create(previous).ToJsonString()}")
            + (conversation is null ? "" : $",\"conversation\":{conversation}")
            + (stream ? ",\"stream\":true" : "");

    private static string IdOf(string body, bool stream)
        => stream
            ? (string)JsonNode.Parse(body.Split("\n\n")[0].Split("data: ")[1])!["response"]!["id"]!
            : (string)JsonNode.Parse(body)!["id"]!;

    private static int ClosedUnits(GatewayHost host)
        => host.Services.GetRequiredService<UnitTracker>().AllClosed(0, long.MaxValue).Count();

    private static async Task<GatewayHost> TwoVersionsAsync(Uri stable, Uri candidate) => await GatewayHost.StartAsync(seed: async store =>
    {
        await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(stable, "s"));
        await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(candidate, "c"));
    });

    private static async Task<(string Id, string Version)> CreateAsync(GatewayHost host, string extra = "")
    {
        using var response = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "first", extra), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (IdOf(await response.Content.ReadAsStringAsync(Ct), stream: false), response.Headers.GetValues("x-switchback-version").Single());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PreviousResponseId_DuringCanary_ReachesTheCreatorOnBothArmsAndJoinsNoUnit(bool stream)
    {
        await using var stable = await SimAsync();
        await using var candidate = await SimAsync();
        await using var host = await TwoVersionsAsync(stable.BaseAddress, candidate.BaseAddress);
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 5_000, Salt: "r-1"));
        var created = new List<(string Id, string Version)>();
        for (var i = 0; i < 16; i++)
        {
            // No sticky key: each request is assigned at random, so a follow-up would land elsewhere half the time.
            created.Add(await CreateAsync(host));
        }

        Assert.Equal(2, created.Select(c => c.Version).Distinct().Count());
        var unitsBefore = ClosedUnits(host);
        Assert.Equal(16, unitsBefore);
        var stableBefore = stable.Stats.RequestsTo(SimEndpoint.Responses);
        var candidateBefore = candidate.Stats.RequestsTo(SimEndpoint.Responses);
        var signalsBefore = host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Requests;

        foreach (var (id, version) in created)
        {
            using var response = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "and then?", Extra(previous: id, stream: stream)), Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);

            // The simulator answers 404 previous_response_not_found for an id it did not store: 200 means the creator got it.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(version, response.Headers.GetValues("x-switchback-version").Single());
            Assert.NotEqual(id, IdOf(body, stream));
        }

        var onStable = created.Count(c => c.Version == "1");
        Assert.Equal(onStable, stable.Stats.RequestsTo(SimEndpoint.Responses) - stableBefore);
        Assert.Equal(16 - onStable, candidate.Stats.RequestsTo(SimEndpoint.Responses) - candidateBefore);
        Assert.Equal(unitsBefore, ClosedUnits(host));

        // They are inference all the same: counted in the serving version's signals.
        Assert.Equal(signalsBefore + (16 - onStable), host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Requests);
    }

    [Fact]
    public async Task PreviousResponseId_ChainOfFollowUps_StaysOnTheCreator()
    {
        await using var stable = await SimAsync();
        await using var candidate = await SimAsync();
        await using var host = await TwoVersionsAsync(stable.BaseAddress, candidate.BaseAddress);
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 5_000, Salt: "r-1"));
        var (id, version) = await CreateAsync(host);

        for (var turn = 0; turn < 6; turn++)
        {
            using var response = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", $"turn {turn}", Extra(previous: id)), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(version, response.Headers.GetValues("x-switchback-version").Single());
            id = IdOf(await response.Content.ReadAsStringAsync(Ct), stream: false);
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Conversation_DuringCanary_StaysWithTheVersionOfItsFirstResponse(bool asObject, bool stream)
    {
        await using var stable = await SimAsync();
        await using var candidate = await SimAsync();
        await using var host = await TwoVersionsAsync(stable.BaseAddress, candidate.BaseAddress);
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 5_000, Salt: "r-1"));
        var owners = new Dictionary<string, string>();
        for (var i = 0; i < 12; i++)
        {
            var conversation = asObject ? $"{{\"id\":\"conv_{i}\"}}" : $"\"conv_{i}\"";
            using var first = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "hi", Extra(conversation: conversation, stream: stream)), Ct);
            await first.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            owners[$"conv_{i}"] = first.Headers.GetValues("x-switchback-version").Single();
        }

        Assert.Equal(2, owners.Values.Distinct().Count());
        var unitsBefore = ClosedUnits(host);
        for (var turn = 0; turn < 3; turn++)
        {
            foreach (var (conversation, version) in owners)
            {
                // Either form names the same conversation.
                var named = turn % 2 == 0 ? $"\"{conversation}\"" : $"{{\"id\":\"{conversation}\"}}";
                using var response = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "more", Extra(conversation: named, stream: stream)), Ct);
                await response.Content.ReadAsStringAsync(Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(version, response.Headers.GetValues("x-switchback-version").Single());
            }
        }

        Assert.Equal(unitsBefore, ClosedUnits(host));
    }

    [Fact]
    public async Task PreviousResponseId_CreatorRolledBackSharingTheUpstream_ContinuesOnStable()
    {
        await using var shared = await SimAsync();
        await using var host = await TwoVersionsAsync(shared.BaseAddress, shared.BaseAddress);
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000, Salt: "r-1"));
        var (id, version) = await CreateAsync(host);
        var (_, conversationVersion) = await CreateAsync(host, Extra(conversation: "\"conv_shared\""));
        Assert.Equal("2", version);
        Assert.Equal("2", conversationVersion);
        await host.SetRoutingAsync(new RoutingState("svc", 1));

        using var followUp = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "still there?", Extra(previous: id)), Ct);
        using var inConversation = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "still there?", Extra(conversation: "\"conv_shared\"")), Ct);

        // 200 from the simulator: the shared upstream still holds the response the rolled-back version created.
        Assert.Equal(HttpStatusCode.OK, followUp.StatusCode);
        Assert.Equal("1", followUp.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal(id, (string?)JsonNode.Parse(await followUp.Content.ReadAsStringAsync(Ct))!["previous_response_id"]);
        Assert.Equal(HttpStatusCode.OK, inConversation.StatusCode);
        Assert.Equal("1", inConversation.Headers.GetValues("x-switchback-version").Single());
    }

    [Fact]
    public async Task FollowUp_CreatorRolledBackOnAnotherUpstream_Is409AndNoUpstreamIsAsked()
    {
        await using var stable = await SimAsync();
        await using var candidate = await SimAsync();
        await using var host = await TwoVersionsAsync(stable.BaseAddress, candidate.BaseAddress);
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000, Salt: "r-1"));
        var (id, _) = await CreateAsync(host);
        await CreateAsync(host, Extra(conversation: "{\"id\":\"conv_gone\"}"));
        await host.SetRoutingAsync(new RoutingState("svc", 1));
        var candidateBefore = candidate.Stats.Requests;

        using var followUp = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "still there?", Extra(previous: id, stream: true)), Ct);
        using var inConversation = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "still there?", Extra(conversation: "\"conv_gone\"")), Ct);

        foreach (var (response, code, param, named) in new[]
        {
            (followUp, "previous_response_unavailable", "previous_response_id", id),
            (inConversation, "conversation_unavailable", "conversation", "conv_gone"),
        })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
            Assert.Equal("invalid_request_error", (string?)error["type"]);
            Assert.Equal(code, (string?)error["code"]);
            Assert.Equal(param, (string?)error["param"]);
            var message = (string)error["message"]!;
            Assert.Contains(named, message, StringComparison.Ordinal);
            Assert.Contains("svc@2", message, StringComparison.Ordinal);
            Assert.Contains("start a new conversation", message, StringComparison.Ordinal);
        }

        Assert.Equal(0, stable.Stats.Requests);
        Assert.Equal(candidateBefore, candidate.Stats.Requests);
    }

    [Fact]
    public async Task FollowUp_CreatorRetiredByTheNextRollout_ContinuesOnTheNewCandidateSharingItsUpstream()
    {
        await using var shared = await SimAsync();
        await using var other = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(other.BaseAddress, "s"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(shared.BaseAddress, "c"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(shared.BaseAddress, "c2"));
        });
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000, Salt: "r-1"));
        var (id, _) = await CreateAsync(host);

        // Version 2 leaves the routing; the next rollout sends everyone to version 3, on the same upstream as 2.
        await host.SetRoutingAsync(new RoutingState("svc", 1, 3, 10_000, Salt: "r-2"));
        using var followUp = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "still there?", Extra(previous: id)), Ct);

        Assert.Equal(HttpStatusCode.OK, followUp.StatusCode);
        Assert.Equal("3", followUp.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal(0, other.Stats.Requests);
    }

    [Fact]
    public async Task PreviousResponseId_Unknown_IsRoutedAsUsualAndTheUpstreamAnswers()
    {
        await using var sim = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(sim.BaseAddress)));

        using var response = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "hello", Extra(previous: "resp_from_before_switchback")), Ct);

        // The gateway has no record, so it cannot know better than the routing: the upstream decides (here, it does not know it).
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal("previous_response_not_found", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]);
        Assert.Equal(1, sim.Stats.RequestsTo(SimEndpoint.Responses));
    }

    [Fact]
    public async Task Conversation_UnknownDuringCanary_IsAssignedByTheExperimentAndJoinsAUnit()
    {
        await using var stable = await SimAsync();
        await using var candidate = await SimAsync();
        await using var host = await TwoVersionsAsync(stable.BaseAddress, candidate.BaseAddress);
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 5_000, Salt: "r-1"));

        await CreateAsync(host, Extra(conversation: "\"conv_new\""));
        await CreateAsync(host, Extra(conversation: "\"conv_new\""));

        // The first request was routed by the experiment (one unit); the second went by affinity (none).
        Assert.Equal(1, ClosedUnits(host));
    }

    [Theory]
    [InlineData(",\"previous_response_id\":5", "previous_response_id")]
    [InlineData(",\"previous_response_id\":{}", "previous_response_id")]
    [InlineData(",\"previous_response_id\":\"\"", "previous_response_id")]
    [InlineData(",\"conversation\":5", "conversation")]
    [InlineData(",\"conversation\":[\"conv_1\"]", "conversation")]
    [InlineData(",\"conversation\":{\"id\":5}", "conversation")]
    [InlineData(",\"conversation\":{}", "conversation")]
    [InlineData(",\"previous_response_id\":\"resp_1\",\"conversation\":\"conv_1\"", "conversation")]
    public async Task FollowUp_Malformed_Is400NamingTheParamAndNoUpstreamIsAsked(string extra, string param)
    {
        await using var sim = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(sim.BaseAddress)));

        using var response = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "hello", extra), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal(param, (string?)error["param"]);
        Assert.Contains(param, (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(0, sim.Stats.Requests);
    }

    [Fact]
    public async Task FollowUp_NullFields_AreNoFollowUp()
    {
        await using var sim = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(sim.BaseAddress)));

        using var response = await host.Client.SendAsync(ResponsesApiTests.Responses("svc", "hello", ",\"previous_response_id\":null,\"conversation\":null"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9001/v1", "A_KEY", "http://127.0.0.1:9001/v1", "A_KEY", "other-model", true)]
    [InlineData("http://127.0.0.1:9001/v1", null, "http://127.0.0.1:9001/v1/", null, "up-model", true)]
    [InlineData("http://LOCALHOST:9001/v1", null, "http://localhost:9001/v1", null, "up-model", true)]
    [InlineData("http://127.0.0.1:9001/v1", "A_KEY", "http://127.0.0.1:9001/v1", "B_KEY", "up-model", false)]
    [InlineData("http://127.0.0.1:9001/v1", "A_KEY", "http://127.0.0.1:9001/v1", null, "up-model", false)]
    [InlineData("http://127.0.0.1:9001/v1", null, "http://127.0.0.1:9002/v1", null, "up-model", false)]
    [InlineData("http://127.0.0.1:9001/v1", null, "http://127.0.0.1:9001/v2", null, "up-model", false)]
    public void SharesResponseStoreWith_SameEndpointAndCredentialReference(string endpointA, string? keyA, string endpointB, string? keyB, string modelB, bool shares)
    {
        var a = Read(1, endpointA, keyA, "up-model");
        var b = Read(2, endpointB, keyB, modelB);

        Assert.Equal(shares, a.SharesResponseStoreWith(b));
        Assert.Equal(shares, b.SharesResponseStoreWith(a));
    }

    private static Switchback.Gateway.Bundles.ServingBundle Read(int version, string endpoint, string? keyEnv, string model)
    {
        var content = new JsonObject
        {
            ["model"] = new JsonObject { ["provider"] = "openai", ["endpoint"] = endpoint, ["name"] = model, ["api_key_env"] = keyEnv },
        };
        var renderer = new Switchback.Gateway.Templates.TemplateRenderer(
            Microsoft.Extensions.Options.Options.Create(new Switchback.Gateway.Hosting.GatewayOptions()), TimeProvider.System);
        return new Switchback.Gateway.Bundles.BundleReader(Switchback.Core.Access.UpstreamKeyPolicy.Default, renderer)
            .Read(new Switchback.Storage.StoredBundle("svc", version, "sha256:" + version, content.ToJsonString(), DateTimeOffset.UnixEpoch, "test", false));
    }
}
