using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Rollouts;

/// <summary>The whole loop against real server, simulator and CLI processes.</summary>
public sealed class RolloutFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rollout_FlakyCandidate_RolledBackAutomaticallyWithEvidenceAndPromoteRefused()
    {
        using var svc = await SvcOnSims.StartAsync("flaky", "--error-rate", "0.4");
        var (dir, server) = (svc.Dir, svc.Server);

        var start = await server.CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", Manifests.Canary()));
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Contains("started", start.Stdout, StringComparison.Ordinal);
        var second = await server.CliAsync("rollout", "start", "svc", "--to", "2");
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already has an active rollout", second.Stderr, StringComparison.Ordinal);

        using var http = server.CreateHttpClient();
        var status = await Svc.DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(30));

        Assert.Equal("rolled_back", status["phase"]!.GetValue<string>());
        var json = await server.CliAsync("rollout", "status", "svc", "--output", "json");
        var shown = JsonNode.Parse(json.Stdout)!;
        var decision = shown["decisions"]!.AsArray().Last()!;
        Assert.Equal("canary 50 % for 30s, at least 20 requests per arm", shown["step_description"]?.GetValue<string>());
        Assert.Equal("rolled_back", decision["kind"]!.GetValue<string>());
        Assert.Contains("error_rate:compare", decision["evidence"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, shown["guardrails"]![0]!["evidence"]!["test"]!["baseline_events"]!.GetValue<long>());
        var routing = await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/routing", Ct);
        Assert.Equal((1, (int?)null), (routing!["stable"]!.GetValue<int>(), routing["candidate"]?.GetValue<int>()));
        Assert.Equal(4, (await server.CliAsync("rollout", "status", "svc", "--wait")).ExitCode);
        var promote = await server.CliAsync("rollout", "promote", "svc");
        Assert.Equal(1, promote.ExitCode);
    }

    [Fact]
    public async Task Rollout_HealthyCandidate_PromotedAndStatusWaitExitsZero()
    {
        using var svc = await SvcOnSims.StartAsync("healthy", "--seed", "2");
        var (dir, server) = (svc.Dir, svc.Server);
        var apply = await server.CliAsync("apply", "-f", dir.Write("rollout.yaml", Manifests.Canary(duration: "4s")));
        Assert.True(apply.ExitCode == 0, apply.ToString());

        using var http = server.CreateHttpClient();
        var status = await Svc.DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(30));

        Assert.Equal("promoted", status["phase"]!.GetValue<string>());
        Assert.Equal(0, (await server.CliAsync("rollout", "status", "svc", "--wait")).ExitCode);
        var routing = await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/routing", Ct);
        Assert.Equal(2, routing!["stable"]!.GetValue<int>());
    }

    [Fact]
    public async Task Rollout_ServerKilledMidRollout_RestartResumesPhaseAndRouting()
    {
        using var dir = new TempDir();
        using var v1 = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, v1.Url, v1.Url);
        var plan = Manifests.Canary().Replace("- canary: { weight: 50, duration: 30s, min_requests: 20 }", "- canary: { weight: 20, duration: 1h }\n  - pause: {}", StringComparison.Ordinal);
        Assert.Equal(0, (await server.CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", plan))).ExitCode);
        server.Kill();

        using var restarted = await ServerProcess.StartAsync(dir.SqliteStore);
        using var http = restarted.CreateHttpClient();
        var status = await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/rollout", Ct);
        var routing = await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/routing", Ct);

        Assert.Equal("progressing", status!["phase"]!.GetValue<string>());
        Assert.Equal((2, 20.0), (routing!["candidate"]!.GetValue<int>(), routing["candidate_weight"]!.GetValue<double>()));
        var served = new HashSet<string>();
        for (var i = 0; i < 60; i++)
        {
            using var response = await Svc.ChatAsync(http, "user-" + i);
            served.Add(response.Headers.GetValues("x-switchback-version").Single());
        }

        Assert.Equal(["1", "2"], served.Order());
    }

    [Fact]
    public async Task Rollback_UnhealthyTarget_RefusedUnlessForcedAndReportsPropagation()
    {
        using var dir = new TempDir();
        using var v2 = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, "http://127.0.0.1:1", v2.Url);
        Assert.Equal(0, (await server.CliAsync("alias", "set", "svc@2", "stable", "--reason", "v2 out")).ExitCode);

        var refused = await server.CliAsync("rollback", "svc", "--reason", "v2 is bad");
        var forced = await server.CliAsync("rollback", "svc", "--reason", "v2 is bad", "--force", "--output", "json");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not healthy", refused.Stderr, StringComparison.Ordinal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        var body = JsonNode.Parse(forced.Stdout)!;
        Assert.Equal(("rolled_back", 1), (body["status"]!.GetValue<string>(), body["to"]!.GetValue<int>()));
        Assert.InRange(body["propagation_ms"]!.GetValue<double>(), 0, 1000);
        using var http = server.CreateHttpClient();
        Assert.Equal(1, (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/routing", Ct))!["stable"]!.GetValue<int>());
    }

    [Fact]
    public async Task RolloutAndRollback_MissingOrUnderPrivilegedKey_Refused()
    {
        using var dir = new TempDir();
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, "http://127.0.0.1:1", "http://127.0.0.1:1");
        var viewer = JsonNode.Parse((await server.CliAsync("key", "create", "--role", "viewer", "--name", "v", "--output", "json")).Stdout)!["key"]!.GetValue<string>();
        using var anonymous = server.CreateHttpClient(apiKey: null);
        using var reader = server.CreateHttpClient(viewer);

        foreach (var path in new[] { "api/v1/deployments/svc/rollouts?candidate=2", "api/v1/deployments/svc/rollout/abort", "api/v1/deployments/svc/rollback" })
        {
            using var none = await anonymous.PostAsync(path, JsonContent.Create(new { reason = "x" }), Ct);
            using var weak = await reader.PostAsync(path, JsonContent.Create(new { reason = "x" }), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, weak.StatusCode);
        }

        using var admin = server.CreateHttpClient();
        using var bad = await admin.PostAsync("api/v1/deployments/svc/rollouts", new StringContent("kind: Rollout\ndeployment: svc\ncandidate: 2\nsteps: 7\n"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("steps", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Null((await admin.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/routing", Ct))!["candidate"]);
    }
}
