using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Silent;

/// <summary>
/// User feedback end to end against a real server and simulator processes: request ids from the gateway's
/// <c>x-switchback-request-id</c> header, thumbs posted to <c>POST /v1/feedback</c>, read back by the rollout controller
/// and the admin signals endpoint.
/// </summary>
public sealed class FeedbackTests
{
    private const string Canary = """
        kind: Rollout
        deployment: svc
        candidate: 2
        steps:
          - canary: { weight: 50, duration: 10m, min_requests: 20 }
          - canary: { weight: 100 }
        guardrails:
          - { signal: error_rate, compare: baseline, severity: hard }

        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rollout_UsersThumbDownTheCandidate_PausedBySoftThumbsDownGuardrailWithAlert()
    {
        using var dir = new TempDir();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("healthy");
        await using var receiver = await AlertReceiver.StartAsync();
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, v1.Url, v2.Url);
        var plan = Canary + $"  - {{ signal: thumbs_down_rate, compare: baseline, severity: soft }}\nalerts:\n  - webhook: {receiver.Url}\n";
        var apply = await server.CliAsync("apply", "-f", dir.Write("rollout.yaml", plan));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        using var http = server.CreateHttpClient();
        Assert.Equal(2, (await Svc.WaitForCandidateAsync(http))["candidate"]!.GetValue<int>());

        // Users like v1's answers and dislike v2's; every answer is served 200 OK, so only the feedback tells them apart.
        var status = await Svc.RolloutAsync(http);
        var n = 0;
        for (var until = DateTimeOffset.UtcNow.AddSeconds(30); status["phase"]!.GetValue<string>() == "progressing" && DateTimeOffset.UtcNow < until;)
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
            {
                var (version, id) = await ServeAsync(http, "u" + Interlocked.Increment(ref n));
                await FeedbackAsync(http, id, version == 2 ? -1 : 1, version);
            }));
            status = await Svc.RolloutAsync(http);
        }

        Assert.Equal(("paused", "soft_breach", false), (status["phase"]!.GetValue<string>(), status["reason"]!.GetValue<string>(), status["finished"]!.GetValue<bool>()));
        var decision = status["decisions"]!.AsArray().Last()!;
        Assert.Equal("soft_breach", decision["kind"]!.GetValue<string>());
        Assert.StartsWith("thumbs_down_rate", decision["evidence"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var alert = await receiver.WaitForAsync("pause", TimeSpan.FromSeconds(30));
        Assert.Contains("thumbs_down_rate", alert.ToJsonString(), StringComparison.Ordinal);

        // A pause, not a rollback: v2 keeps its share while a human decides.
        var routing = await Svc.RoutingAsync(http);
        Assert.Equal((1, 2, 50.0), (routing["stable"]!.GetValue<int>(), routing["candidate"]!.GetValue<int>(), routing["candidate_weight"]!.GetValue<double>()));
        var shown = await server.CliAsync("rollout", "status", "svc");
        Assert.Contains("Phase: paused (soft_breach)", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("thumbs_down_rate", shown.Stdout, StringComparison.Ordinal);
        var feedback = await FeedbackSignalsAsync(http);
        Assert.True(feedback[2]["thumbs_down"]!.GetValue<long>() > 0, feedback[2].ToJsonString());
        Assert.Equal(0, feedback[1]["thumbs_down"]!.GetValue<long>());
    }

    [Fact]
    public async Task Feedback_ArrivingAfterTheRollback_CountsAgainstTheVersionThatServedTheRequest()
    {
        using var dir = new TempDir();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, v1.Url, v2.Url);
        var apply = await server.CliAsync("apply", "-f", dir.Write("rollout.yaml", Canary));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        using var http = server.CreateHttpClient();
        Assert.Equal(2, (await Svc.WaitForCandidateAsync(http))["candidate"]!.GetValue<int>());
        var served = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => ServeAsync(http, "late-" + i)));
        var byV2 = served.Where(s => s.Version == 2).Select(s => s.Id).ToList();
        var byV1 = served.Where(s => s.Version == 1).Select(s => s.Id).ToList();
        Assert.NotEmpty(byV2);
        Assert.NotEmpty(byV1);

        var rollback = await server.CliAsync("rollback", "svc", "--reason", "users complain about v2");
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Null((await Svc.RoutingAsync(http))["candidate"]);
        Assert.True((await Svc.RolloutAsync(http))["finished"]!.GetValue<bool>());
        var before = await FeedbackSignalsAsync(http);

        // The complaints arrive after v2 stopped serving anyone; they still belong to v2.
        foreach (var id in byV2)
        {
            await FeedbackAsync(http, id, -1, expectedVersion: 2);
        }

        foreach (var id in byV1)
        {
            await FeedbackAsync(http, id, 1, expectedVersion: 1);
        }

        var after = await FeedbackSignalsAsync(http);
        Assert.Equal(0, before[2]["thumbs_down"]!.GetValue<long>());
        Assert.Equal(byV2.Count, after[2]["thumbs_down"]!.GetValue<long>());
        Assert.Equal(byV2.Count, after[2]["count"]!.GetValue<long>());
        Assert.Equal(0, after[1]["thumbs_down"]!.GetValue<long>());
        Assert.Equal(byV1.Count, after[1]["thumbs_up"]!.GetValue<long>());
    }

    /// <summary>One chat through the gateway: the version that answered and the request id to give feedback on.</summary>
    private static async Task<(int Version, string Id)> ServeAsync(HttpClient http, string key)
    {
        using var response = await Svc.ChatAsync(http, key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (int.Parse(response.Headers.GetValues("x-switchback-version").Single(), System.Globalization.CultureInfo.InvariantCulture),
            response.Headers.GetValues("x-switchback-request-id").Single());
    }

    private static async Task FeedbackAsync(HttpClient http, string requestId, int score, int expectedVersion)
    {
        using var response = await http.PostAsJsonAsync("v1/feedback", new { request_id = requestId, score }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(expectedVersion, JsonNode.Parse(body)!["version"]!.GetValue<int>());
    }

    /// <summary>Each version's <c>feedback</c> over the last hour, from <c>GET /api/v1/deployments/svc/signals</c>.</summary>
    private static async Task<Dictionary<int, JsonNode>> FeedbackSignalsAsync(HttpClient http)
    {
        var signals = await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/signals?window=1h", Ct);
        return signals!["versions"]!.AsArray().ToDictionary(v => v!["version"]!.GetValue<int>(), v => v!["feedback"]!);
    }
}
