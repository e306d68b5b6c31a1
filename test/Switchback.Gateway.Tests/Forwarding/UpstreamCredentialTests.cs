using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchback.Core.Access;
using Switchback.Core.Routing;
using Switchback.Gateway.Health;
using Switchback.Gateway.Shadow;
using Switchback.Gateway.Tests.Hosting;

namespace Switchback.Gateway.Tests.Forwarding;

/// <summary>
/// A bundle stored before the <see cref="UpstreamKeyPolicy"/> existed, or under a looser one, must never get a refused
/// variable's value: the gateway refuses its requests and sends nothing. The bundles here go straight into the store,
/// past the admin API's registration check, as such a bundle would be.
/// </summary>
public sealed class UpstreamCredentialTests
{
    private const string AdminSecret = "sb_admin_secret_that_must_stay_home_0001";
    private const string AllowedSecret = "upstream-secret-allowed-0002";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    static UpstreamCredentialTests()
    {
        // SWITCHBACK_ADMIN_KEY is what the probe exfiltrated; the gateway tests read no such variable themselves.
        Environment.SetEnvironmentVariable("SWITCHBACK_ADMIN_KEY", AdminSecret);
        Environment.SetEnvironmentVariable("SB_CREDENTIAL_TEST_LEGACY", AdminSecret);
        Environment.SetEnvironmentVariable("SB_CREDENTIAL_TEST_KEY", AllowedSecret);
    }

    [Fact]
    public async Task Chat_BundleNamingSwitchbackAdminKey_Is500UpstreamKeyRefusedAndNothingIsSent()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", Bundle(upstream.BaseAddress, "SWITCHBACK_ADMIN_KEY")));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal(("server_error", "upstream_key_refused"), ((string?)error["type"], (string?)error["code"]));
        Assert.Contains("'SWITCHBACK_ADMIN_KEY'", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("'SWITCHBACK_*'", (string?)error["message"], StringComparison.Ordinal);
        Assert.DoesNotContain(AdminSecret, body, StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task RawAndPinned_BundleNamingSwitchbackAdminKey_AreRefusedAndNothingIsSent()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", Bundle(upstream.BaseAddress, "SWITCHBACK_ADMIN_KEY")));
        var operatorKey = await host.CreateKeyAsync(Role.Operator);

        using var raw = await host.Client.GetAsync("/d/svc/models", Ct);
        using var pinned = await host.Client.SendAsync(GatewayHost.Chat("svc@1", bearer: operatorKey), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, raw.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, pinned.StatusCode);
        Assert.Contains("upstream_key_refused", await raw.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("upstream_key_refused", await pinned.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Chat_AllowedVariable_IsSentAsTheBearerCredential()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", Bundle(upstream.BaseAddress, "SB_CREDENTIAL_TEST_KEY")));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer " + AllowedSecret, Assert.Single(upstream.Requests).Headers["authorization"]);
    }

    [Fact]
    public async Task Chat_VariableOutsideTheServersAllowList_IsRefused_WhileAnAllowedOneWorks()
    {
        // The bundle was registered under a looser policy; this server allows only *_KEY.
        Assert.True(UpstreamKeyPolicy.TryParse("*_KEY", out var policy, out var problem), problem);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(
            keyPolicy: policy,
            seed: async store =>
            {
                await GatewayHost.RegisterAsync(store, "legacy", Bundle(upstream.BaseAddress, "SB_CREDENTIAL_TEST_LEGACY"));
                await GatewayHost.RegisterAsync(store, "svc", Bundle(upstream.BaseAddress, "SB_CREDENTIAL_TEST_KEY"));
            });

        using var legacy = await host.Client.SendAsync(GatewayHost.Chat("legacy"), Ct);
        using var allowed = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, legacy.StatusCode);
        var message = (string?)JsonNode.Parse(await legacy.Content.ReadAsStringAsync(Ct))!["error"]!["message"];
        Assert.Contains("'SB_CREDENTIAL_TEST_LEGACY' matches none of the patterns this server allows (*_KEY)", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("Bearer " + AllowedSecret, Assert.Single(upstream.Requests).Headers["authorization"]);
    }

    [Fact]
    public async Task CheckNow_RefusedVariable_UnhealthyWithTheReasonAndNothingIsSent()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", Bundle(upstream.BaseAddress, "SWITCHBACK_ADMIN_KEY")));

        var health = await host.Services.GetRequiredService<IVersionHealthMonitor>().CheckNowAsync("svc", 1, Ct);

        Assert.NotNull(health);
        Assert.False(health.IsServing);
        Assert.Contains("api_key_env is refused", health.LastCheckError, StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Chat_ShadowNamingARefusedVariable_GetsNoCopyWhileStableServes()
    {
        await using var stable = await RecordingUpstream.StartAsync();
        await using var refusedShadow = await RecordingUpstream.StartAsync();
        await using var sentinelShadow = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(
            shadow: o => o.Workers = 1,
            seed: async store =>
            {
                await GatewayHost.RegisterAsync(store, "svc", Bundle(stable.BaseAddress, "SB_CREDENTIAL_TEST_KEY"));
                await GatewayHost.RegisterAsync(store, "svc", Bundle(refusedShadow.BaseAddress, "SWITCHBACK_ADMIN_KEY"));
                await GatewayHost.RegisterAsync(store, "sentinel", Bundle(stable.BaseAddress, "SB_CREDENTIAL_TEST_KEY"));
                await GatewayHost.RegisterAsync(store, "sentinel", Bundle(sentinelShadow.BaseAddress, "SB_CREDENTIAL_TEST_KEY"));
            });
        await host.SetRoutingAsync(new RoutingState("svc", 1, ShadowVersion: 2, ShadowSampleBps: RoutingState.FullBps));
        await host.SetRoutingAsync(new RoutingState("sentinel", 1, ShadowVersion: 2, ShadowSampleBps: RoutingState.FullBps));
        var queue = host.Services.GetRequiredService<ShadowQueue>();

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc", "k"), Ct);
        using var sentinel = await host.Client.SendAsync(GatewayHost.Chat("sentinel", "k"), Ct);

        // One worker takes jobs in order, so once the sentinel's copy is done any copy queued before it is done too.
        await queue.WaitForCompletedAsync(1, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(sentinelShadow.Requests);
        Assert.Empty(refusedShadow.Requests);
        Assert.Equal(2, stable.Requests.Count);
    }

    private static JsonObject Bundle(Uri endpoint, string apiKeyEnv) => new()
    {
        ["model"] = new JsonObject
        {
            ["provider"] = "openai",
            ["endpoint"] = new Uri(endpoint, "v1").ToString(),
            ["name"] = "up-model",
            ["api_key_env"] = apiKeyEnv,
        },
    };
}
