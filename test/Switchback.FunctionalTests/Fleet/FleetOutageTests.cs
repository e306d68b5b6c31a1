using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Fleet;

/// <summary>PostgreSQL stopped for 60 s under load and started again (issue 11, item 6), on a server of the test's own.</summary>
[Collection(FleetCollection.Name)]
public sealed class FleetOutageTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StoreDownForAMinuteUnderLoad_DataPlaneFailsNothing_AdminSays503_NoDecisionOnMissingData_AndAllResumesByItself()
    {
        using var dir = new TempDir();
        using var pg = await OwnPostgres.StartAsync();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("healthy", "--seed", "2");
        var replicas = await FleetTests.StartFleetAsync(pg.StoreSpec, 3);
        try
        {
            await Svc.RegisterAsync(replicas[0], dir, v1.Url, v2.Url);
            var plan = """
                kind: Rollout
                deployment: svc
                candidate: 2
                steps:
                  - canary: { weight: 50, duration: 20s, min_requests: 20 }
                  - canary: { weight: 100 }
                guardrails:
                  - { signal: error_rate, compare: baseline, severity: hard }
                """;
            var start = await replicas[1].CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", plan));
            Assert.True(start.ExitCode == 0, start.ToString());
            using var admin = replicas[2].CreateHttpClient();
            await Svc.WaitForCandidateAsync(admin);

            await using var load = new FleetLoad([.. replicas.Select(r => r.Url)]);
            await Task.Delay(3000, Ct);
            await pg.StopAsync();
            var before = CandidateAnswers(load);
            var down = Stopwatch.StartNew();

            await Task.Delay(5000, Ct);
            using var body = new StringContent("""{"version":2,"reason":"during the outage"}""", Encoding.UTF8, "application/json");
            using var mutation = await admin.PutAsync("api/v1/deployments/svc/aliases/champion", body, Ct);
            using var ready = await admin.GetAsync("readyz", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, mutation.StatusCode);
            Assert.Equal("store_unavailable", JsonNode.Parse(await mutation.Content.ReadAsStringAsync(Ct))!["error"]!["code"]!.GetValue<string>());
            Assert.True(mutation.Headers.RetryAfter is not null);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

            // Units close within 2 s of their first request and are counted when they close: the decision that follows the
            // outage holds every candidate answer up to a few seconds before the store came back.
            await Task.Delay(Outage - TimeSpan.FromSeconds(4) - down.Elapsed, Ct);
            var during = CandidateAnswers(load) - before;
            await Task.Delay(Outage - down.Elapsed, Ct);
            await pg.ResumeAsync();

            // Everything comes back without anyone touching it.
            foreach (var replica in replicas)
            {
                using var http = replica.CreateHttpClient();
                await WaitForAsync(async () => (await http.GetAsync("readyz", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "readyz");
            }

            var status = await FleetTests.WaitForFinishAsync(replicas[0], TimeSpan.FromSeconds(60));
            Assert.Equal("promoted", status["phase"]!.GetValue<string>());
            Assert.Empty(load.Failures);
            Assert.True(load.Completed > 1000, $"{load.Completed} requests");

            // The outage's traffic reached the decision: shipped from the replicas' buffers once the store was back, none dropped.
            var test = status["guardrails"]![0]!["evidence"]!["test"]!;
            Assert.True(during > 100, $"{during} candidate answers during the outage");
            Assert.True(test["candidate_requests"]!.GetValue<long>() >= during, $"the decision counted {test["candidate_requests"]} candidate units (one per key); {during} candidate answers, each with its own key, were served in the outage's first 56 s");
            // Every replica heartbeats again (one may be between two heartbeats just now), and none dropped a second.
            var fleet = await FleetTests.ReplicasAsync(replicas[0]);
            await WaitForAsync(async () => (fleet = await FleetTests.ReplicasAsync(replicas[0]))["live"]!.GetValue<int>() == 3, TimeSpan.FromSeconds(15), "three live replicas");
            Assert.All(fleet["replicas"]!.AsArray(), r => Assert.Equal(0, r!["stats"]!["dropped_seconds"]!.GetValue<long>()));
            using var after = new StringContent("""{"version":2,"reason":"after the outage"}""", Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("api/v1/deployments/svc/aliases/champion", after, Ct)).StatusCode);

            // The step's deadline passed during the outage without a decision: the rollout went on only on data that arrived.
            var decisions = status["decisions"]!.AsArray().Select(d => d!["kind"]!.GetValue<string>()).ToList();
            Assert.Equal(["step_started", "step_started", "promoted"], decisions);
        }
        finally
        {
            FleetTests.Stop(replicas);
        }
    }

    private static long CandidateAnswers(FleetLoad load) => load.Outcomes.Where(o => o.Key.Outcome == "200 v=2").Sum(o => o.Value);

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not answering yet.
            }

            await Task.Delay(200, Ct);
        }

        throw new TimeoutException($"{what} did not come back within {limit}");
    }
}
