using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Silent;

/// <summary>
/// The rollout gate end to end through the CLI, a real server and simulator processes: <c>rollout start -f</c> sends the
/// dataset next to the manifest, the server's controller runs it in the background through its own gateway, and routing
/// only changes when the gate passes.
/// </summary>
public sealed class GateWiringTests
{
    private const int Cases = 40;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RolloutStart_SilentRegressionCandidate_StoppedByGateBeforeAnyTraffic()
    {
        using var dir = new TempDir();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("silent-regression");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, v1.Url, v2.Url);
        using var http = server.CreateHttpClient();
        var before = await Svc.RoutingAsync(http);

        var start = await server.CliAsync("rollout", "start", "svc", "--to", "2", "-f", WriteGatedPlan(dir, 2));
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Contains("gating", start.Stdout, StringComparison.Ordinal);
        var status = await WaitWhileGatingAsync(http);

        Assert.Equal("aborted", status["phase"]!.GetValue<string>());
        Assert.Equal("gate_failed", status["reason"]!.GetValue<string>());
        Assert.Matches(@"candidate svc@2 eval #\d+: mean 0\.\d+", status["reason_text"]!.GetValue<string>());
        var after = await Svc.RoutingAsync(http);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        Assert.Equal(1, after["stable"]!.GetValue<int>());
        var audit = await server.CliAsync("history", "svc");
        Assert.DoesNotContain("routing.set", audit.Stdout, StringComparison.Ordinal);
        var shown = await server.CliAsync("rollout", "status", "svc");
        Assert.Contains("eval #", shown.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolloutStart_HealthyCandidate_PassesGateAndRoutesTheFirstStep()
    {
        using var dir = new TempDir();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, v1.Url, v2.Url);
        using var http = server.CreateHttpClient();

        var apply = await server.CliAsync("apply", "-f", WriteGatedPlan(dir, 2));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var status = await WaitWhileGatingAsync(http);

        Assert.Equal("progressing", status["phase"]!.GetValue<string>());
        Assert.Contains(status["decisions"]!.AsArray(), d => d!["kind"]!.GetValue<string>() == "gate_passed");
        Assert.Equal(2, (await Svc.WaitForCandidateAsync(http))["candidate"]!.GetValue<int>());
    }

    [Fact]
    public async Task RolloutStart_BadGateDataset_ExitsOneAndStartsNothing()
    {
        using var dir = new TempDir();
        using var v1 = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, v1.Url, v1.Url);
        var plan = WriteGatedPlan(dir, 2);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(plan)!, "golden.jsonl"), "{\"id\": \"q1\", \"prompt\": \"x\"\nnot json\n");

        var start = await server.CliAsync("rollout", "start", "svc", "--to", "2", "-f", plan);

        Assert.Equal(1, start.ExitCode);
        Assert.Contains("golden.jsonl", start.Stderr, StringComparison.Ordinal);
        using var http = server.CreateHttpClient();
        using var response = await http.GetAsync("api/v1/deployments/svc/rollout", Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task StartEndpoint_GateWithoutDataset_Is400()
    {
        using var dir = new TempDir();
        using var v1 = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, v1.Url, v1.Url);
        using var http = server.CreateHttpClient();

        using var response = await http.PostAsync("api/v1/deployments/svc/rollouts?candidate=2",
            new StringContent("kind: Rollout\ndeployment: svc\ngate: { dataset: golden.jsonl, min_score: 0.9 }\n", Encoding.UTF8, "application/yaml"), Ct);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("was not sent", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static string WriteGatedPlan(TempDir dir, int candidate)
    {
        var lines = new StringBuilder();
        for (var i = 0; i < Cases; i++)
        {
            lines.Append($"{{\"id\": \"q{i}\", \"prompt\": \"Question {i}\", \"expected\": \"Answer to: Question {i}\", \"scorer\": {{\"type\": \"contains\"}}}}\n");
        }

        dir.Write("golden.jsonl", lines.ToString());
        return dir.Write("rollout.yaml", $"""
            kind: Rollout
            deployment: svc
            candidate: {candidate}
            steps:
              - canary: {"{"} weight: 10, duration: 10m {"}"}
              - canary: {"{"} weight: 100 {"}"}
            guardrails:
              - {"{"} signal: error_rate, compare: baseline, severity: hard {"}"}
            gate: {"{"} dataset: golden.jsonl, min_score: 0.9, max_drop_vs_stable: 0.02 {"}"}

            """);
    }

    private static async Task<JsonNode> WaitWhileGatingAsync(HttpClient http)
    {
        for (var until = DateTimeOffset.UtcNow.AddSeconds(60); DateTimeOffset.UtcNow < until;)
        {
            var status = await Svc.RolloutAsync(http);
            if (status["phase"]!.GetValue<string>() != "gating")
            {
                return status;
            }
        }

        throw new TimeoutException("the gate did not finish in time");
    }
}
