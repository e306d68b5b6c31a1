using System.Net;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Fleet;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Dashboard;

/// <summary><c>GET /api/v1/deployments/{d}/rollouts/{id}/evidence/series</c> (docs/api.md), which the console's e-value charts draw.</summary>
[Collection(FleetCollection.Name)]
public sealed class EvidenceSeriesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Series_FlakyCanaryRolledBack_HoldsTheEValueOverTimeUpToTheBreach_AndMalformedQueriesAreRefused()
    {
        // 20 % errors, not 40 %: the rollback then comes some seconds in, after the recorder's 2 s samples of the e-value.
        using var svc = await SvcOnSims.StartAsync("flaky", "--error-rate", "0.2");
        var server = svc.Server;
        var start = await server.CliAsync("rollout", "start", "svc", "-f", svc.Dir.Write("rollout.yaml", Manifests.Canary()));
        Assert.True(start.ExitCode == 0, start.ToString());
        using var http = server.CreateHttpClient();
        var finished = await Svc.DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(60));
        Assert.Equal("rolled_back", finished["phase"]!.GetValue<string>());
        var id = finished["id"]!.GetValue<string>();
        var path = $"api/v1/deployments/svc/rollouts/{id}/evidence/series";

        // The recorder writes off the decision's path, about a second after; wait for the breaching point.
        JsonArray? errors = null;
        JsonNode? series = null;
        for (var until = DateTimeOffset.UtcNow.AddSeconds(15); DateTimeOffset.UtcNow < until; await Task.Delay(200, Ct))
        {
            series = JsonNode.Parse(await http.GetStringAsync(path, Ct))!;
            var g = series["guardrails"]!.AsArray().Single(g => g!["guardrail"]!.GetValue<string>() == "error_rate:compare")!;
            errors = g["points"]!.AsArray();
            if (errors.Count > 0 && g["threshold"] is { } t && errors[^1]!["e_value"]!.GetValue<double>() >= t.GetValue<double>())
            {
                break;
            }
        }

        var guardrail = series!["guardrails"]!.AsArray().Single(g => g!["guardrail"]!.GetValue<string>() == "error_rate:compare")!;
        var threshold = guardrail["threshold"]!.GetValue<double>();
        Assert.Equal(id, series["rollout"]!.GetValue<string>());
        Assert.True(series["finished"]!.GetValue<bool>());
        Assert.Equal(240, series["max_points_stored"]!.GetValue<int>());
        Assert.True(errors!.Count > 2, $"{errors.Count} points: {errors.ToJsonString()}");
        Assert.True(errors[0]!["e_value"]!.GetValue<double>() < threshold);
        Assert.True(errors[^1]!["e_value"]!.GetValue<double>() >= threshold, errors.ToJsonString());
        var times = errors.Select(p => p!["at"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(errors, p => Assert.True(p!["candidate_trials"]!.GetValue<long>() >= p["candidate_events"]!.GetValue<long>()));

        // max_points spreads the points evenly, keeping the first and the latest.
        var two = JsonNode.Parse(await http.GetStringAsync(path + "?max_points=2", Ct))!["guardrails"]!.AsArray()
            .Single(g => g!["guardrail"]!.GetValue<string>() == "error_rate:compare")!["points"]!.AsArray();
        Assert.Equal([times[0], times[^1]], two.Select(p => p!["at"]!.GetValue<DateTimeOffset>()));

        // since gives only the points after it: a poll passes the latest it holds.
        var after = JsonNode.Parse(await http.GetStringAsync(path + "?since=" + Uri.EscapeDataString(errors[^2]!["at"]!.GetValue<string>()), Ct))!["guardrails"]!.AsArray()
            .Single(g => g!["guardrail"]!.GetValue<string>() == "error_rate:compare")!;
        Assert.Equal([times[^1]], after["points"]!.AsArray().Select(p => p!["at"]!.GetValue<DateTimeOffset>()));
        Assert.Equal(threshold, after["threshold"]!.GetValue<double>());
        var none = JsonNode.Parse(await http.GetStringAsync(path + "?since=" + Uri.EscapeDataString(errors[^1]!["at"]!.GetValue<string>()), Ct))!;
        Assert.All(none["guardrails"]!.AsArray(), g => Assert.Empty(g!["points"]!.AsArray()));

        (string Path, HttpStatusCode Status, string Code)[] bad =
        [
            (path + "?max_points=abc", HttpStatusCode.BadRequest, "invalid_max_points"),
            (path + "?max_points=1", HttpStatusCode.BadRequest, "invalid_max_points"),
            (path + "?max_points=241", HttpStatusCode.BadRequest, "invalid_max_points"),
            (path + "?max_points=-3", HttpStatusCode.BadRequest, "invalid_max_points"),
            (path + "?since=yesterday", HttpStatusCode.BadRequest, "invalid_since"),
            ("api/v1/deployments/svc/rollouts/r%20x/evidence/series", HttpStatusCode.BadRequest, "invalid_rollout_id"),
            ("api/v1/deployments/svc/rollouts/r-00000000/evidence/series", HttpStatusCode.NotFound, "rollout_not_found"),
            ($"api/v1/deployments/Bad%20Name/rollouts/{id}/evidence/series", HttpStatusCode.BadRequest, "invalid_name"),
            ($"api/v1/deployments/nobody/rollouts/{id}/evidence/series", HttpStatusCode.NotFound, "deployment_not_found"),
        ];
        foreach (var (query, status, code) in bad)
        {
            using var response = await http.GetAsync(query, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == status, $"{query} => {(int)response.StatusCode} {body}");
            Assert.Equal(code, JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());
        }

        using var anonymous = server.CreateHttpClient(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path, Ct)).StatusCode);
    }

    [Fact]
    public async Task Series_LeaderKilledMidCanary_TheNewLeaderContinuesItAndEveryReplicaServesIt()
    {
        using var dir = new TempDir();
        await using var db = await PostgresDatabase.CreateAsync();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("healthy", "--seed", "2");
        var replicas = await FleetTests.StartFleetAsync(db.StoreSpec, 3);
        try
        {
            await Svc.RegisterAsync(replicas[0], dir, v1.Url, v2.Url);
            await using var load = new FleetLoad([.. replicas.Select(r => r.Url)]);
            var start = await replicas[0].CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", Manifests.Canary(duration: "12s")));
            Assert.True(start.ExitCode == 0, start.ToString());
            await Task.Delay(4000, Ct);

            var leader = await FleetTests.LeaderAsync(replicas);
            var survivors = replicas.Where(r => r != leader).ToArray();
            load.Exclude(leader.Url);
            leader.Kill();
            var killedAt = DateTimeOffset.UtcNow;
            var next = await FleetTests.WaitForNewLeaderAsync(survivors, leader, TimeSpan.FromSeconds(8));
            var status = await FleetTests.WaitForFinishAsync(next, TimeSpan.FromSeconds(45));
            Assert.Equal("promoted", status["phase"]!.GetValue<string>());
            var path = $"api/v1/deployments/svc/rollouts/{status["id"]!.GetValue<string>()}/evidence/series";

            // Every replica reads the same series from the store (after the new leader's last write, about a second later).
            await Task.Delay(2000, Ct);
            var answers = await Task.WhenAll(survivors.Select(async r =>
            {
                using var http = r.CreateHttpClient();
                return await http.GetStringAsync(path, Ct);
            }));
            Assert.Equal(answers[0], answers[1]);
            var times = JsonNode.Parse(answers[0])!["guardrails"]!.AsArray().Single(g => g!["guardrail"]!.GetValue<string>() == "error_rate:compare")!["points"]!
                .AsArray().Select(p => p!["at"]!.GetValue<DateTimeOffset>()).ToList();
            Assert.Contains(times, t => t < killedAt);
            Assert.Contains(times, t => t > killedAt);
            Assert.Equal(times.Order(), times);
        }
        finally
        {
            FleetTests.Stop(replicas);
        }
    }
}
