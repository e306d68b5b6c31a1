using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;
using Switchback.UpstreamSim;

namespace Switchback.FunctionalTests.Gateway;

/// <summary>The gateway as `switchback serve` hosts it: data plane, routing changes through the admin API, live signals.</summary>
public sealed class ServedGatewayTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDir dir = new();
    private ServerProcess server = null!;
    private UpstreamSimulator v1 = null!;
    private UpstreamSimulator v2 = null!;

    public async ValueTask InitializeAsync()
    {
        v1 = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 1 });
        v2 = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 2 });
        server = await ServerProcess.StartAsync(dir.SqliteStore);
        var manifest = Manifests.Bundle("chat-bot", 1, 0.2, new Uri(v1.BaseAddress, "v1").ToString())
            + "---\n" + Manifests.Bundle("chat-bot", 2, 0.3, new Uri(v2.BaseAddress, "v1").ToString());
        var apply = await server.CliAsync("apply", "-f", dir.Write("chat-bot.yaml", manifest));
        Assert.True(apply.ExitCode == 0, apply.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        server.Dispose();
        await v1.DisposeAsync();
        await v2.DisposeAsync();
        dir.Dispose();
    }

    [Fact]
    public async Task Chat_RoutesToStable_ThenCandidateAfterRoutingPut_AndSignalsCountEachVersion()
    {
        using var admin = server.CreateHttpClient();
        using var client = server.CreateHttpClient(apiKey: null);

        for (var i = 0; i < 3; i++)
        {
            using var response = await ChatAsync(client, $"user-{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("1", Header(response, "x-switchback-version"));
            Assert.Equal("chat-bot", Header(response, "x-switchback-deployment"));
        }

        using (var put = await admin.PutAsJsonAsync("/api/v1/deployments/chat-bot/routing", new { candidate = 2, candidate_weight = 100, reason = "full canary" }, Ct))
        {
            var body = await put.Content.ReadAsStringAsync(Ct);
            Assert.True(put.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal(100.0, JsonNode.Parse(body)!["routing"]!["candidate_weight"]!.GetValue<double>());
        }

        // The PUT returns only after this process's gateway routes by the new state.
        for (var i = 0; i < 2; i++)
        {
            using var response = await ChatAsync(client, $"user-{i}");
            Assert.Equal("2", Header(response, "x-switchback-version"));
        }

        var signals = JsonNode.Parse(await admin.GetStringAsync("/api/v1/deployments/chat-bot/signals?window=5m", Ct))!;
        var byVersion = signals["versions"]!.AsArray().ToDictionary(v => v!["version"]!.GetValue<int>(), v => v!["requests"]!.GetValue<long>());
        Assert.Equal(3, byVersion[1]);
        Assert.Equal(2, byVersion[2]);

        var routing = JsonNode.Parse(await admin.GetStringAsync("/api/v1/deployments/chat-bot/routing", Ct))!;
        Assert.Equal(2, routing["candidate"]!.GetValue<int>());
        var history = await server.CliAsync("history", "chat-bot", "--output", "json");
        Assert.Contains("routing.set", history.Stdout);
    }

    [Fact]
    public async Task RoutingPut_RefusesWrongKeysAndBadInput_AndChangesNothing()
    {
        using var admin = server.CreateHttpClient();
        var viewerKey = JsonNode.Parse((await server.CliAsync("key", "create", "--role", "viewer", "--name", "viewer", "--output", "json")).Stdout)!["key"]!.GetValue<string>();
        using var viewer = server.CreateHttpClient(viewerKey);
        using var anonymous = server.CreateHttpClient(apiKey: null);
        using var wrong = server.CreateHttpClient("sb_not_a_key_at_all_0000000000");
        var good = new { candidate = 2, candidate_weight = 10, reason = "try" };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsJsonAsync("/api/v1/deployments/chat-bot/routing", good, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PutAsJsonAsync("/api/v1/deployments/chat-bot/routing", good, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsJsonAsync("/api/v1/deployments/chat-bot/routing", good, Ct)).StatusCode);

        string[] bad =
        [
            "{",
            "[]",
            """{"candidate": 2, "candidate_weight": 10}""",
            """{"candidate": 2, "candidate_weight": 150, "reason": "x"}""",
            """{"candidate": 2, "candidate_weight": -1, "reason": "x"}""",
            """{"candidate": 2, "candidate_weight": "ten", "reason": "x"}""",
            """{"candidate": 1, "candidate_weight": 10, "reason": "candidate equals stable"}""",
            """{"candidate_weight": 10, "reason": "weight without a candidate"}""",
            """{"candidate": 0, "candidate_weight": 10, "reason": "x"}""",
        ];
        foreach (var body in bad)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await admin.PutAsync("/api/v1/deployments/chat-bot/routing", content, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body} => {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync(Ct));
        }

        using (var missing = await admin.PutAsJsonAsync("/api/v1/deployments/chat-bot/routing", new { candidate = 9, candidate_weight = 10, reason = "no such version" }, Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/v1/deployments/nobody/routing", good, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/deployments/chat-bot/signals?window=forever", Ct)).StatusCode);

        var routing = JsonNode.Parse(await admin.GetStringAsync("/api/v1/deployments/chat-bot/routing", Ct))!;
        Assert.Null(routing["candidate"]);
        Assert.Equal(0, routing["generation"]!.GetValue<long>());
    }

    private static async Task<HttpResponseMessage> ChatAsync(HttpClient client, string user)
    {
        var request = new { model = "chat-bot", user, messages = new[] { new { role = "user", content = "hello" } } };
        return await client.PostAsJsonAsync("/v1/chat/completions", request, Ct);
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.First() : null;
}
