using System.Net;
using Microsoft.Extensions.Time.Testing;
using Switchback.Core.Access;
using Switchback.Core.Routing;
using Switchback.Gateway.Tests.Hosting;
using Switchback.Storage;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.Routing;

public sealed class GatewayRoutingTests : IAsyncLifetime
{
    private UpstreamSimulator stableSim = null!;
    private UpstreamSimulator candidateSim = null!;
    private GatewayHost host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        stableSim = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0 });
        candidateSim = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0 });
        host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(stableSim.BaseAddress, "stable-model"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(candidateSim.BaseAddress, "candidate-model"));
        });
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await stableSim.DisposeAsync();
        await candidateSim.DisposeAsync();
    }

    [Fact]
    public async Task Chat_NoRoutingRow_RoutesEverythingToStable()
    {
        for (var i = 0; i < 20; i++)
        {
            using var response = await host.Client.SendAsync(GatewayHost.Chat("svc", $"user-{i}"), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
            Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
            Assert.Equal("svc", response.Headers.GetValues("x-switchback-deployment").Single());
            Assert.StartsWith("req_", response.Headers.GetValues("x-switchback-request-id").Single(), StringComparison.Ordinal);
        }

        Assert.Equal(20, stableSim.Stats.Requests);
        Assert.Equal(0, candidateSim.Stats.Requests);
    }

    [Fact]
    public async Task Chat_TwentyPercentSplit_FollowsStickyBucketsWithinTolerance()
    {
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 2_000));
        const int keys = 300;
        var onCandidate = 0;
        for (var i = 0; i < keys; i++)
        {
            var key = $"user-{i}";
            using var response = await host.Client.SendAsync(GatewayHost.Chat("svc", key), Ct);
            var version = response.Headers.GetValues("x-switchback-version").Single();
            var expected = StickyAssigner.CandidateBucket("svc", key) < 2_000 ? "2" : "1";
            Assert.Equal(expected, version);
            onCandidate += version == "2" ? 1 : 0;
        }

        // 20 % of 300 = 60, σ ≈ 6.9: 5 σ either side.
        Assert.InRange(onCandidate, 60 - 35, 60 + 35);
        Assert.Equal(onCandidate, candidateSim.Stats.Requests);
    }

    [Fact]
    public async Task Chat_SameKey_AlwaysGetsTheSameVersion()
    {
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 5_000));
        for (var k = 0; k < 10; k++)
        {
            var versions = new HashSet<string>();
            for (var i = 0; i < 5; i++)
            {
                using var response = await host.Client.SendAsync(GatewayHost.Chat("svc", $"sticky-{k}"), Ct);
                versions.Add(response.Headers.GetValues("x-switchback-version").Single());
            }

            Assert.Single(versions);
        }
    }

    [Theory]
    [InlineData(GatewayHost.ChatPath, Role.Operator)]
    [InlineData(GatewayHost.ChatPath, Role.Admin)]
    [InlineData(GatewayHost.CompletionsPath, Role.Operator)]
    [InlineData(GatewayHost.CompletionsPath, Role.Admin)]
    [InlineData(GatewayHost.EmbeddingsPath, Role.Operator)]
    [InlineData(GatewayHost.EmbeddingsPath, Role.Admin)]
    public async Task Pin_WithOperatorKey_ServesPinnedVersion(string path, Role role)
    {
        var key = await host.CreateKeyAsync(role);

        using var byModel = await host.Client.SendAsync(GatewayHost.Inference(path, "svc@2", bearer: key), Ct);
        var byHeader = GatewayHost.Inference(path, "svc", bearer: key);
        byHeader.Headers.Add("x-switchback-version", "2");
        using var headerResponse = await host.Client.SendAsync(byHeader, Ct);

        Assert.Equal(HttpStatusCode.OK, byModel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, headerResponse.StatusCode);
        Assert.Equal("2", byModel.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal("2", headerResponse.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal(2, candidateSim.Stats.Requests);
        Assert.Equal(0, stableSim.Stats.Requests);
    }

    [Theory]
    [InlineData(GatewayHost.ChatPath)]
    [InlineData(GatewayHost.CompletionsPath)]
    [InlineData(GatewayHost.EmbeddingsPath)]
    public async Task Pin_WithViewerOrNoKey_IsForbidden(string path)
    {
        var viewer = await host.CreateKeyAsync(Role.Viewer);

        using var asViewer = await host.Client.SendAsync(GatewayHost.Inference(path, "svc@2", bearer: viewer), Ct);
        using var anonymous = await host.Client.SendAsync(GatewayHost.Inference(path, "svc@2"), Ct);
        using var unknownKey = await host.Client.SendAsync(GatewayHost.Inference(path, "svc@2", bearer: "sb_not-a-key"), Ct);
        var byHeader = GatewayHost.Inference(path, "svc", bearer: viewer);
        byHeader.Headers.Add("x-switchback-version", "2");
        using var viewerHeader = await host.Client.SendAsync(byHeader, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, asViewer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, viewerHeader.StatusCode);
        Assert.Contains("\"code\":\"pin_forbidden\"", await asViewer.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(0, candidateSim.Stats.Requests);
        Assert.Equal(0, stableSim.Stats.Requests);
    }

    [Fact]
    public async Task Chat_PinMissingVersion_Is404()
    {
        var key = await host.CreateKeyAsync(Role.Operator);

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc@9", bearer: key), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Chat_UnknownDeployment_Is404WithOpenAiError()
    {
        using var response = await host.Client.SendAsync(GatewayHost.Chat("nope"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("model_not_found", (string?)body["error"]!["code"]);
        Assert.Equal("invalid_request_error", (string?)body["error"]!["type"]);
        Assert.Contains("'nope'", (string?)body["error"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_StoreUnreachable_LastSnapshotStillServes()
    {
        await host.SetRoutingAsync(new RoutingState("svc", 2));
        await host.Store.DisposeAsync();

        Assert.False(await host.Loader.RefreshAsync(Ct));
        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal(1, host.Loader.ConsecutiveFailures);
    }

    [Fact]
    public async Task Models_ListsDeployments()
    {
        var body = await host.Client.GetStringAsync("/v1/models", Ct);

        Assert.Equal("""{"object":"list","data":[{"id":"svc","object":"model","created":0,"owned_by":"switchback"}]}""", body);
    }
}
