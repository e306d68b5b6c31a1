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

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rollout_SilentRegressionGuardedByErrorsAndLatencyOnly_Promoted()
    {
        using var dir = new TempDir();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("silent-regression");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await RegisterAsync(server, dir, v1.Url, v2.Url, evaluators: false);
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("rollout.yaml", Plan))).ExitCode);

        using var http = server.CreateHttpClient();
        var status = await DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(30));

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
        await RegisterAsync(server, dir, v1.Url, v2.Url, evaluators: true);
        var apply = await server.CliAsync("apply", "-f", dir.Write("rollout.yaml", Plan + Quality));
        Assert.True(apply.ExitCode == 0, apply.ToString());

        using var http = server.CreateHttpClient();
        var status = await DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(30));

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

    private static async Task RegisterAsync(ServerProcess server, TempDir dir, string v1, string v2, bool evaluators)
    {
        var section = evaluators ? "\nevaluators:\n  sample_rate: 1.0\n" : "\n";
        var bundles = Manifests.Bundle("svc", 1, 0.2, v1 + "/v1") + section + "---\n" + Manifests.Bundle("svc", 2, 0.3, v2 + "/v1") + section;
        var apply = await server.CliAsync("apply", "-f", dir.Write("bundles.yaml", bundles));
        Assert.True(apply.ExitCode == 0, apply.ToString());
    }

    private static async Task<JsonNode> DriveUntilFinishedAsync(HttpClient http, TimeSpan limit)
    {
        var until = DateTimeOffset.UtcNow + limit;
        var n = 0;
        while (DateTimeOffset.UtcNow < until)
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
                {
                    Content = JsonContent.Create(new { model = "svc", messages = new[] { new { role = "user", content = "What is our refund policy?" } } }),
                };
                request.Headers.Add("x-switchback-key", "k" + Interlocked.Increment(ref n));
                using var response = await http.SendAsync(request, Ct);
            }));
            var status = (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/rollout", Ct))!;
            if (status["finished"]!.GetValue<bool>())
            {
                return status;
            }
        }

        throw new TimeoutException("the rollout did not finish in time");
    }
}
