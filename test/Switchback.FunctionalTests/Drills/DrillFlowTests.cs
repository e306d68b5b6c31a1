using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Drills;

/// <summary>Drills and runbooks against real server, simulator and CLI processes.</summary>
public sealed class DrillFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Drill_DryRunOnHealthyDeployment_AllChecksPassAndRoutingUntouched()
    {
        using var dir = new TempDir();
        using var sim = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await RegisterAsync(server, dir, sim.Url, sim.Url, sim.Url);
        using var http = server.CreateHttpClient();
        var before = await Svc.RoutingAsync(http);

        var drill = await server.CliAsync("drill", "svc", "--dry-run", "--reason", "weekly", "--output", "json");

        Assert.True(drill.ExitCode == 0, drill.ToString());
        var body = JsonNode.Parse(drill.Stdout)!;
        Assert.Equal(("passed", true, 1), (body["outcome"]!.GetValue<string>(), body["dry_run"]!.GetValue<bool>(), body["target"]!.GetValue<int>()));
        Assert.Equal(["resolve_target", "warm_check"], StepNames(body));
        Assert.All(body["steps"]!.AsArray(), s => Assert.True(s!["duration_ms"]!.GetValue<double>() >= 0));
        Assert.Null(body["restored"]);
        Assert.Equal(before.ToJsonString(), (await Svc.RoutingAsync(http)).ToJsonString());
        var listed = await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/drills", Ct);
        Assert.Equal(body["id"]!.GetValue<string>(), listed!["drills"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Drill_Full_SwitchesToTargetAndRestoresRoutingExactlyAndAudits()
    {
        using var dir = new TempDir();
        using var sim = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await RegisterAsync(server, dir, sim.Url, sim.Url, sim.Url);
        using var http = server.CreateHttpClient();
        using var put = await http.PutAsJsonAsync("api/v1/deployments/svc/routing", new { reason = "canary by hand", candidate = 3, candidate_weight = 25 }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var before = await Svc.RoutingAsync(http);

        var drill = await server.CliAsync("drill", "svc", "--reason", "game day");

        Assert.True(drill.ExitCode == 0, drill.ToString());
        foreach (var step in new[] { "resolve_target", "warm_check", "switch_to_target", "verify_target_serves", "switch_back" })
        {
            Assert.Contains(step, drill.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("passed", drill.Stdout, StringComparison.Ordinal);
        var after = await Svc.RoutingAsync(http);
        Assert.Equal(before["generation"]!.GetValue<long>() + 2, after["generation"]!.GetValue<long>());
        after["generation"] = before["generation"]!.GetValue<long>();
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        var stored = (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/drills", Ct))!["drills"]![0]!;
        Assert.Equal((true, 1), (stored["restored"]!.GetValue<bool>(), stored["target"]!.GetValue<int>()));
        Assert.Contains("served by svc@1", stored["steps"]![3]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var actions = (await http.GetFromJsonAsync<JsonNode>("api/v1/audit?target=svc", Ct))!["entries"]!.AsArray()
            .Select(e => e!["action"]!.GetValue<string>()).ToList();
        Assert.Equal("drill.run", actions[^1]);
        Assert.True(actions.Count(a => a == "routing.set") >= 3, string.Join(",", actions));
        Assert.True((await http.GetFromJsonAsync<JsonNode>("api/v1/audit/verify", Ct))!["ok"]!.GetValue<bool>());

        var runbook = await server.CliAsync("runbook", "svc");
        Assert.True(runbook.ExitCode == 0, runbook.ToString());
        Assert.Contains("switchback rollback svc --to 1 --reason", runbook.Stdout, StringComparison.Ordinal);
        Assert.Contains(stored["id"]!.GetValue<string>(), runbook.Stdout, StringComparison.Ordinal);
        Assert.Contains("| switch_to_target | ok |", runbook.Stdout, StringComparison.Ordinal);
        Assert.Contains("| stable | 2 |", runbook.Stdout, StringComparison.Ordinal);
        Assert.Contains("| candidate | 3 | 25 % |", runbook.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("never drilled", runbook.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drill_PreviousVersionDown_FailsAtWarmCheckAndChangesNothing()
    {
        using var dir = new TempDir();
        using var sim = await Sim.StartAsync("healthy");
        using var down = await Sim.StartAsync("down");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await RegisterAsync(server, dir, down.Url, sim.Url, sim.Url);
        using var http = server.CreateHttpClient();
        var before = await Svc.RoutingAsync(http);

        var drill = await server.CliAsync("drill", "svc", "--output", "json");

        Assert.Equal(1, drill.ExitCode);
        var body = JsonNode.Parse(drill.Stdout)!;
        Assert.Equal("failed", body["outcome"]!.GetValue<string>());
        Assert.Equal(["resolve_target", "warm_check"], StepNames(body));
        Assert.False(body["steps"]![1]!["ok"]!.GetValue<bool>());
        Assert.Contains("svc@1 is not warm", body["findings"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before.ToJsonString(), (await Svc.RoutingAsync(http)).ToJsonString());
        var runbook = await server.CliAsync("runbook", "svc");
        Assert.Contains("**failed**", runbook.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drill_DuringActiveRollout_RefusedUnlessDryRun()
    {
        using var dir = new TempDir();
        using var sim = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await RegisterAsync(server, dir, sim.Url, sim.Url, sim.Url);
        var plan = "kind: Rollout\ndeployment: svc\ncandidate: 3\nsteps:\n  - canary: { weight: 10, duration: 1h }\n  - canary: { weight: 100 }\nguardrails:\n  - { signal: error_rate, compare: baseline, severity: hard }\n";
        var start = await server.CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", plan));
        Assert.True(start.ExitCode == 0, start.ToString());
        using var http = server.CreateHttpClient();

        var refused = await server.CliAsync("drill", "svc");
        using var raw = await http.PostAsJsonAsync("api/v1/deployments/svc/drills", new { dry_run = false }, Ct);
        var dry = await server.CliAsync("drill", "svc", "--dry-run");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("active rollout", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, raw.StatusCode);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Equal("progressing", (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/rollout", Ct))!["phase"]!.GetValue<string>());
        var runbook = await server.CliAsync("runbook", "svc");
        Assert.Contains("| error_rate | compare: baseline, max_ratio 1 | hard |", runbook.Stdout, StringComparison.Ordinal);
        Assert.Contains("switchback rollback svc --to 2 --reason", runbook.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillAndRunbook_BadKeysOrInput_RefusedAndUnknownDeploymentIs404()
    {
        using var dir = new TempDir();
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await RegisterAsync(server, dir, "http://127.0.0.1:1", "http://127.0.0.1:1", "http://127.0.0.1:1");
        var viewer = JsonNode.Parse((await server.CliAsync("key", "create", "--role", "viewer", "--name", "v", "--output", "json")).Stdout)!["key"]!.GetValue<string>();
        using var anonymous = server.CreateHttpClient(apiKey: null);
        using var wrong = server.CreateHttpClient("sb_not_a_real_key_000000000000000000");
        using var reader = server.CreateHttpClient(viewer);
        using var admin = server.CreateHttpClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("api/v1/deployments/svc/drills", new { dry_run = true }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsJsonAsync("api/v1/deployments/svc/drills", new { dry_run = true }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsJsonAsync("api/v1/deployments/svc/drills", new { dry_run = true }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/deployments/svc/runbook", Ct)).StatusCode);
        using var viewerRunbook = await reader.GetAsync("api/v1/deployments/svc/runbook", Ct);
        Assert.Equal(HttpStatusCode.OK, viewerRunbook.StatusCode);
        Assert.Equal("text/markdown", viewerRunbook.Content.Headers.ContentType!.MediaType);
        Assert.Contains("never drilled — run `switchback drill svc --dry-run`", await viewerRunbook.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var malformed = await admin.PostAsync("api/v1/deployments/svc/drills", new StringContent("{\"dry_run\": \"yes\""), Ct);
        using var badType = await admin.PostAsJsonAsync("api/v1/deployments/svc/drills", new { dry_run = "yes" }, Ct);
        using var badLimit = await admin.GetAsync("api/v1/deployments/svc/drills?limit=0", Ct);
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (malformed.StatusCode, badType.StatusCode, badLimit.StatusCode));
        Assert.Empty((await admin.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/drills", Ct))!["drills"]!.AsArray());

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("api/v1/deployments/ghost/runbook", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("api/v1/deployments/ghost/drills", new { dry_run = true }, Ct)).StatusCode);
        var cli = await server.CliAsync("runbook", "ghost");
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("ghost", cli.Stderr, StringComparison.Ordinal);
    }

    private static List<string> StepNames(JsonNode body) => body["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();

    /// <summary>Versions 1, 2, 3; then stable moves 1 → 2, so a rollback (and a drill) goes back to 1.</summary>
    private static async Task RegisterAsync(ServerProcess server, TempDir dir, string v1, string v2, string v3)
    {
        var bundles = Manifests.Bundle("svc", 1, 0.2, v1 + "/v1") + "---\n" + Manifests.Bundle("svc", 2, 0.3, v2 + "/v1") + "---\n" + Manifests.Bundle("svc", 3, 0.4, v3 + "/v1");
        var apply = await server.CliAsync("apply", "-f", dir.Write("bundles.yaml", bundles));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var alias = await server.CliAsync("alias", "set", "svc@2", "stable", "--reason", "v2 out");
        Assert.True(alias.ExitCode == 0, alias.ToString());
    }
}
