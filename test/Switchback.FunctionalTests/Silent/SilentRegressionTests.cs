using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Silent;

/// <summary>
/// The silent-regression story against real server and simulator processes: v2 answers 200 OK, fast, but 30 % of its
/// answers are wrong, refusals or leak personal data. Errors and latency cannot see it; the evaluators can.
/// </summary>
public sealed class SilentRegressionTests
{
    private const string Plan = """
        kind: Rollout
        deployment: svc
        candidate: 2
        steps:
          - canary: { weight: 50, duration: 5s, min_requests: 20 }
          - canary: { weight: 100 }
        guardrails:
          - { signal: error_rate, compare: baseline, severity: hard }
          - { signal: latency_p95, compare: baseline, max_ratio: 3, severity: hard }

        """;

    private const string Quality = """
          - { signal: safety_violations, max: 0, severity: hard }
          - { signal: refusal_rate, compare: baseline, severity: hard }
          - { signal: json_invalid_rate, compare: baseline, severity: hard }

        """;

    private const string Evaluators = "\nevaluators:\n  sample_rate: 1.0\n";

    private const string Question = "What is our refund policy?";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rollout_SilentRegressionGuardedByErrorsAndLatencyOnly_Promoted()
    {
        using var dir = new TempDir();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("silent-regression");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, v1.Url, v2.Url);
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("rollout.yaml", Plan))).ExitCode);

        using var http = server.CreateHttpClient();
        var status = await Svc.DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(30), Question);

        // The silent failure gets through: nothing in errors or latency tells v2 apart.
        Assert.Equal("promoted", status["phase"]!.GetValue<string>());
        // The decision is persisted before its actions run, so the promotion's routing change may land a moment later.
        var stable = 0;
        for (var until = DateTimeOffset.UtcNow.AddSeconds(10); stable != 2 && DateTimeOffset.UtcNow < until;)
        {
            stable = (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/routing", Ct))!["stable"]!.GetValue<int>();
        }

        Assert.Equal(2, stable);
    }

    [Fact]
    public async Task Rollout_SilentRegressionWithQualityGuardrails_RolledBackNamingTheQualitySignal()
    {
        using var dir = new TempDir();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("silent-regression");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, v1.Url, v2.Url, Evaluators);
        var apply = await server.CliAsync("apply", "-f", dir.Write("rollout.yaml", Plan + Quality));
        Assert.True(apply.ExitCode == 0, apply.ToString());

        using var http = server.CreateHttpClient();
        var status = await Svc.DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(30), Question);

        Assert.Equal("rolled_back", status["phase"]!.GetValue<string>());
        var shown = JsonNode.Parse((await server.CliAsync("rollout", "status", "svc", "--output", "json")).Stdout)!;
        var evidence = shown["decisions"]!.AsArray().Last()!["evidence"]![0]!.GetValue<string>();
        Assert.Matches("safety_violations|refusal_rate|json_invalid_rate", evidence);
        Assert.Equal(1, (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/routing", Ct))!["stable"]!.GetValue<int>());
        var signals = await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/signals?window=5m", Ct);
        var counters = signals!["versions"]!.AsArray().Single(v => v!["version"]!.GetValue<int>() == 2)!["counters"]!;
        Assert.True(counters["responses_evaluated"]!.GetValue<long>() > 0, counters.ToJsonString());
        Assert.True(counters["safety_violations"]!.GetValue<long>() + counters["refusals"]!.GetValue<long>() > 0, counters.ToJsonString());
    }
}
