using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Rollouts;

/// <summary>Rollout edges against real server, simulator and CLI processes: no data by the deadline, a down rollback target, the candidate alias.</summary>
public sealed class RolloutEdgeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rollout_TooFewRequestsByTheDeadline_PausedInconclusiveRoutingKeptAndAlertSent()
    {
        using var dir = new TempDir();
        await using var receiver = await AlertReceiver.StartAsync();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("healthy", "--seed", "2");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, v1.Url, v2.Url);
        var plan = $$"""
            kind: Rollout
            deployment: svc
            candidate: 2
            steps:
              - canary: { weight: 10, duration: 2s, min_requests: 500 }
              - canary: { weight: 50, duration: 1h }
            guardrails:
              - { signal: error_rate, compare: baseline, severity: hard }
            alerts:
              - webhook: {{receiver.Url}}
            """;
        var start = await server.CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", plan));
        Assert.True(start.ExitCode == 0, start.ToString());
        using var http = server.CreateHttpClient();
        for (var i = 0; i < 5; i++)
        {
            using var response = await Svc.ChatAsync(http, "user-" + i);
            Assert.True(response.IsSuccessStatusCode, response.ToString());
        }

        var alert = await receiver.WaitForAsync("inconclusive", TimeSpan.FromSeconds(30));

        var json = await server.CliAsync("rollout", "status", "svc", "--output", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var status = JsonNode.Parse(json.Stdout)!;
        Assert.Equal(("paused", "inconclusive"), (status["phase"]!.GetValue<string>(), status["reason"]!.GetValue<string>()));
        Assert.Equal(0, status["step"]!.GetValue<int>());
        Assert.Equal("inconclusive", status["decisions"]!.AsArray().Last()!["kind"]!.GetValue<string>());
        var routing = (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/routing", Ct))!;
        Assert.Equal((1, 2, 10.0), (routing["stable"]!.GetValue<int>(), routing["candidate"]!.GetValue<int>(), routing["candidate_weight"]!.GetValue<double>()));
        Assert.Equal(("svc", status["id"]!.GetValue<string>()), (alert["deployment"]!.GetValue<string>(), alert["rollout_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Rollback_PreviousVersionDown_RefusedUnlessForced()
    {
        using var dir = new TempDir();
        using var down = await Sim.StartAsync("down");
        using var v2 = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, down.Url, v2.Url);
        Assert.Equal(0, (await server.CliAsync("alias", "set", "svc@2", "stable", "--reason", "v2 out")).ExitCode);

        var refused = await server.CliAsync("rollback", "svc", "--reason", "v2 is bad");
        using var http = server.CreateHttpClient();
        var stillStable = (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/routing", Ct))!["stable"]!.GetValue<int>();
        var forced = await server.CliAsync("rollback", "svc", "--reason", "v2 is bad", "--force", "--output", "json");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not healthy", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("svc@1 is unhealthy", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, stillStable);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(1, (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/routing", Ct))!["stable"]!.GetValue<int>());
    }

    [Fact]
    public async Task Rollout_StartThenAbort_CandidateAliasSetThenRemoved()
    {
        using var dir = new TempDir();
        using var v1 = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, v1.Url, v1.Url);
        var plan = "kind: Rollout\ndeployment: svc\ncandidate: 2\nsteps:\n  - canary: { weight: 20, duration: 1h }\n";
        Assert.Equal(0, (await server.CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", plan))).ExitCode);
        using var http = server.CreateHttpClient();
        var during = (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc", Ct))!;

        Assert.Equal(0, (await server.CliAsync("rollout", "abort", "svc", "--reason", "wrong build")).ExitCode);
        var after = (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc", Ct))!;

        Assert.Equal(2, during["aliases"]!["candidate"]!.GetValue<int>());
        Assert.Null(after["aliases"]!["candidate"]);
        Assert.Equal(1, after["aliases"]!["stable"]!.GetValue<int>());
    }
}
