using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;
using Switchback.UpstreamSim;

namespace Switchback.FunctionalTests.Gateway;

/// <summary>The health admin endpoints and /metrics as `switchback serve` hosts them.</summary>
public sealed class HealthAndMetricsTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDir dir = new();
    private ServerProcess server = null!;
    private UpstreamSimulator up = null!;
    private UpstreamSimulator down = null!;

    public async ValueTask InitializeAsync()
    {
        up = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0 });
        down = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", Profile = SimProfile.Down, DownMode = DownMode.Refuse });
        server = await ServerProcess.StartAsync(dir.SqliteStore);
        var manifest = Manifests.Bundle("chat-bot", 1, 0.2, new Uri(up.BaseAddress, "v1").ToString())
            + "---\n" + Manifests.Bundle("chat-bot", 2, 0.3, new Uri(down.BaseAddress, "v1").ToString());
        var apply = await server.CliAsync("apply", "-f", dir.Write("chat-bot.yaml", manifest));
        Assert.True(apply.ExitCode == 0, apply.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        server.Dispose();
        await up.DisposeAsync();
        await down.DisposeAsync();
        dir.Dispose();
    }

    [Fact]
    public async Task HealthCheck_Operator_HealthyAndDownVersions_ThenHealthListsRoutedVersions()
    {
        using var admin = server.CreateHttpClient();
        using (var put = await admin.PutAsJsonAsync("/api/v1/deployments/chat-bot/routing", new { candidate = 2, candidate_weight = 0, reason = "warm" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var healthy = await admin.PostAsync("/api/v1/deployments/chat-bot/versions/1/health-check", null, Ct);
        var healthyBody = JsonNode.Parse(await healthy.Content.ReadAsStringAsync(Ct))!;
        using var unhealthy = await admin.PostAsync("/api/v1/deployments/chat-bot/versions/2/health-check", null, Ct);
        var unhealthyBody = JsonNode.Parse(await unhealthy.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal(("healthy", true, "stable", 200, 200), ((string?)healthyBody["state"], (bool)healthyBody["serving"]!, (string?)healthyBody["role"], (int?)healthyBody["last_probe_status"], (int?)healthyBody["last_check_status"]));
        Assert.Equal(HttpStatusCode.OK, unhealthy.StatusCode);
        // The check that just failed makes it unhealthy although two failures have not opened the breaker yet.
        Assert.Equal(("unhealthy", false, "candidate", 2, "closed"), ((string?)unhealthyBody["state"], (bool)unhealthyBody["serving"]!, (string?)unhealthyBody["role"], (int)unhealthyBody["consecutive_failures"]!, (string?)unhealthyBody["breaker"]));
        Assert.NotNull((string?)unhealthyBody["last_check_error"]);

        var list = JsonNode.Parse(await admin.GetStringAsync("/api/v1/deployments/chat-bot/health", Ct))!;
        var versions = list["versions"]!.AsArray();
        Assert.Equal([(1, "stable"), (2, "candidate")], versions.Select(v => ((int)v!["version"]!, (string)v["role"]!)));
        Assert.Equal("closed", (string?)versions[0]!["breaker"]);
    }

    [Fact]
    public async Task HealthEndpoints_RefuseWrongKeysUnknownNamesAndBadVersions()
    {
        using var admin = server.CreateHttpClient();
        var viewerKey = JsonNode.Parse((await server.CliAsync("key", "create", "--role", "viewer", "--name", "viewer", "--output", "json")).Stdout)!["key"]!.GetValue<string>();
        using var viewer = server.CreateHttpClient(viewerKey);
        using var anonymous = server.CreateHttpClient(apiKey: null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/deployments/chat-bot/health", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/deployments/chat-bot/health", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/v1/deployments/chat-bot/versions/1/health-check", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/v1/deployments/chat-bot/versions/1/health-check", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/deployments/nobody/health", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/v1/deployments/nobody/versions/1/health-check", null, Ct)).StatusCode);
        using var missing = await admin.PostAsync("/api/v1/deployments/chat-bot/versions/9/health-check", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("version_not_found", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/api/v1/deployments/chat-bot/versions/x/health-check", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/deployments/Bad%20Name/health", Ct)).StatusCode);
    }

    [Fact]
    public async Task Metrics_NoKey_CountsServedRequests()
    {
        using var admin = server.CreateHttpClient();
        using var client = server.CreateHttpClient(apiKey: null);
        var pinned = new { model = "chat-bot@1", messages = new[] { new { role = "user", content = "hello" } } };
        for (var i = 0; i < 2; i++)
        {
            using var response = await admin.PostAsJsonAsync("/v1/chat/completions", pinned, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var text = await client.GetStringAsync("/metrics", Ct);

        Assert.Contains("switchback_requests_total{deployment=\"chat-bot\",version=\"1\",outcome=\"ok\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("switchback_routing_weight{deployment=\"chat-bot\",version=\"1\"} 100\n", text, StringComparison.Ordinal);
    }
}
