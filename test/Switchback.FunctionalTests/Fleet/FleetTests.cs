using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Fleet;

/// <summary>
/// Three real <c>switchback serve</c> replicas on one real PostgreSQL (issue 11, docs/fleet.md): one leader with fencing,
/// routing by LISTEN/NOTIFY, decisions on every replica's traffic, feedback to any replica, and the faults a fleet must survive.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class FleetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string FlakyCanary(string alerts, string duration = "60s") => $"""
        kind: Rollout
        deployment: svc
        candidate: 2
        steps:
          - canary: {"{"} weight: 50, duration: {duration}, min_requests: 20 {"}"}
          - canary: {"{"} weight: 100 {"}"}
        guardrails:
          - {"{"} signal: error_rate, compare: baseline, severity: hard {"}"}
        alerts:
          - webhook: {alerts}
        """;

    [Fact]
    public async Task ThreeReplicas_FlakyCanaryWithLoadOnAll_RolledBackOnceOnTheFleetsDataAndEveryReplicaRoutesToStableWithin250ms()
    {
        using var dir = new TempDir();
        await using var db = await PostgresDatabase.CreateAsync();
        using var healthy = await Sim.StartAsync("healthy");
        using var flaky = await Sim.StartAsync("flaky", "--error-rate", "0.05");
        await using var receiver = await AlertReceiver.StartAsync();
        var replicas = await StartFleetAsync(db.StoreSpec, 3);
        try
        {
            await Svc.RegisterAsync(replicas[0], dir, healthy.Url, flaky.Url);
            var start = await replicas[1].CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", FlakyCanary(receiver.Url)));
            Assert.True(start.ExitCode == 0, start.ToString());

            await using (var load = new FleetLoad([.. replicas.Select(r => r.Url)]))
            {
                var status = await WaitForFinishAsync(replicas[2], TimeSpan.FromSeconds(45));
                Assert.Equal("rolled_back", status["phase"]!.GetValue<string>());
                Assert.Empty(load.Failures);

                // Each replica served part of the canary, and the decision holds the candidate units every replica shipped: the
                // store's units closed before the decision, read per replica, came from all three, and the evidence holds more of
                // them than any one replica shipped (and no more than all shipped).
                var served = replicas.Select(r => load.Outcomes.Where(o => o.Key.Url == r.Url && o.Key.Outcome.EndsWith("v=2", StringComparison.Ordinal)).Sum(o => o.Value)).ToArray();
                Assert.All(served, n => Assert.True(n > 0, string.Join(", ", served)));
                var decision = status["decisions"]!.AsArray().Last()!;
                var evidence = decision["evidence_detail"]![0]!["test"]!;
                var shipped = await CandidateUnitsByReplicaAsync(db, status["id"]!.GetValue<string>(), decision["at"]!.GetValue<DateTimeOffset>());
                Assert.True(shipped.Count == 3, $"candidate units before the decision came from {shipped.Count} replicas: {string.Join(", ", shipped)}");
                Assert.InRange(evidence["candidate_requests"]!.GetValue<long>(), shipped.Values.Max() + 1, shipped.Values.Sum());
            }

            using var admin = replicas[0].CreateHttpClient();
            var audit = JsonNode.Parse(await admin.GetStringAsync("api/v1/audit?target=svc", Ct))!["entries"]!.AsArray();
            Assert.Single(audit, e => e!["action"]!.GetValue<string>() == "rollout.rolled_back");
            var rollback = audit.Last(e => e!["action"]!.GetValue<string>() == "routing.set" && e["reason"]!.GetValue<string>().StartsWith("rollback", StringComparison.Ordinal))!;
            var decidedAt = rollback["time"]!.GetValue<DateTimeOffset>();
            var fleet = await WaitForAppliedAsync(admin, (await ReplicasAsync(replicas[0]))["routing_generation"]!.GetValue<long>());
            var lastApplied = fleet["replicas"]!.AsArray().Max(r => r!["routing_applied_at"]!.GetValue<DateTimeOffset>());
            Assert.True(lastApplied - decidedAt <= TimeSpan.FromMilliseconds(250), $"routing stored at {decidedAt:O}, last replica applied it at {lastApplied:O}");
            foreach (var replica in replicas)
            {
                using var http = replica.CreateHttpClient();
                for (var i = 0; i < 5; i++)
                {
                    using var response = await Svc.ChatAsync(http, "after-" + i);
                    Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
                }
            }

            await receiver.WaitForAsync("rollback", TimeSpan.FromSeconds(10));
            await Task.Delay(1500, Ct);
            Assert.Single(receiver.All, a => a["kind"]!.GetValue<string>() == "rollback");
        }
        finally
        {
            Stop(replicas);
        }
    }

    /// <summary>Candidate units in the store for a rollout, closed before <paramref name="before"/>, per shipping replica.</summary>
    private static async Task<Dictionary<string, long>> CandidateUnitsByReplicaAsync(PostgresDatabase db, string rolloutId, DateTimeOffset before)
    {
        await using var connection = new Npgsql.NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT replica, count(*) FROM rollout_units WHERE rollout_id = @r AND candidate = 1 AND second < @s GROUP BY replica", connection);
        command.Parameters.AddWithValue("r", rolloutId);
        command.Parameters.AddWithValue("s", before.ToUnixTimeSeconds());
        var units = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            units[reader.GetString(0)] = reader.GetInt64(1);
        }

        return units;
    }

    [Fact]
    public async Task LeaderKilledMidCanary_AnotherLeadsWithin5sAndTheRolloutContinuesWithNothingDuplicated()
    {
        using var dir = new TempDir();
        await using var db = await PostgresDatabase.CreateAsync();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("healthy", "--seed", "2");
        await using var receiver = await AlertReceiver.StartAsync();
        var replicas = await StartFleetAsync(db.StoreSpec, 3);
        try
        {
            await Svc.RegisterAsync(replicas[0], dir, v1.Url, v2.Url);
            await using var load = new FleetLoad([.. replicas.Select(r => r.Url)]);
            var start = await replicas[0].CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", FlakyCanary(receiver.Url, duration: "10s")));
            Assert.True(start.ExitCode == 0, start.ToString());
            await Task.Delay(2500, Ct);

            var leader = await LeaderAsync(replicas);
            var survivors = replicas.Where(r => r != leader).ToArray();
            load.Exclude(leader.Url);
            var killedAt = Stopwatch.StartNew();
            leader.Kill();
            var next = await WaitForNewLeaderAsync(survivors, leader, TimeSpan.FromSeconds(8));
            Assert.True(killedAt.Elapsed <= TimeSpan.FromSeconds(5), $"a new leader after {killedAt.Elapsed.TotalSeconds:0.0} s");

            var status = await WaitForFinishAsync(next, TimeSpan.FromSeconds(45));
            Assert.Equal("promoted", status["phase"]!.GetValue<string>());
            Assert.Empty(load.Failures);
            await AssertNothingDuplicatedAsync(next, receiver, "promotion");
        }
        finally
        {
            Stop(replicas);
        }
    }

    [Fact]
    public async Task LeaderFrozenPastItsLeaseThenResumed_StepsDownAndTheFleetGoesOnWithNothingDuplicated()
    {
        using var dir = new TempDir();
        await using var db = await PostgresDatabase.CreateAsync();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("healthy", "--seed", "2");
        await using var receiver = await AlertReceiver.StartAsync();
        var replicas = await StartFleetAsync(db.StoreSpec, 3);
        try
        {
            await Svc.RegisterAsync(replicas[0], dir, v1.Url, v2.Url);
            await using var load = new FleetLoad([.. replicas.Select(r => r.Url)]);
            var start = await replicas[0].CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", FlakyCanary(receiver.Url, duration: "12s")));
            Assert.True(start.ExitCode == 0, start.ToString());
            await Task.Delay(2000, Ct);

            var frozen = await LeaderAsync(replicas);
            var others = replicas.Where(r => r != frozen).ToArray();
            load.Exclude(frozen.Url);
            frozen.Child.Signal("STOP");
            var next = await WaitForNewLeaderAsync(others, frozen, TimeSpan.FromSeconds(8));
            await Task.Delay(3000, Ct);
            frozen.Child.Signal("CONT");

            // The resumed process finds its term gone at its first renewal: it says so and acts no more.
            var resumed = Stopwatch.StartNew();
            while (!frozen.Stderr.Contains("no longer leads", StringComparison.Ordinal))
            {
                Assert.True(resumed.Elapsed < TimeSpan.FromSeconds(10), "the resumed leader never said it no longer leads:\n" + frozen.Stderr);
                await Task.Delay(50, Ct);
            }

            var status = await WaitForFinishAsync(next, TimeSpan.FromSeconds(45));
            Assert.Equal("promoted", status["phase"]!.GetValue<string>());
            var fleet = await ReplicasAsync(next);
            Assert.Equal(next.Url, fleet["replicas"]!.AsArray().Single(r => r!["role"]!.GetValue<string>() == "leader")!["address"]!.GetValue<string>());
            Assert.Empty(load.Failures);
            await AssertNothingDuplicatedAsync(next, receiver, "promotion");
        }
        finally
        {
            Stop(replicas);
        }
    }

    [Fact]
    public async Task FeedbackToAReplicaThatDidNotServe_IsAttributedToTheVersionThatServed_AndForgeriesAreRefused()
    {
        using var dir = new TempDir();
        await using var db = await PostgresDatabase.CreateAsync();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("healthy", "--seed", "2");
        var replicas = await StartFleetAsync(db.StoreSpec, 2);
        try
        {
            await Svc.RegisterAsync(replicas[0], dir, v1.Url, v2.Url);
            using var a = replicas[0].CreateHttpClient();
            using var b = replicas[1].CreateHttpClient();
            Assert.Equal(0, (await replicas[0].CliAsync("alias", "set", "svc@2", "stable", "--reason", "serve v2")).ExitCode);
            await WaitForAppliedAsync(a, (await ReplicasAsync(replicas[0]))["routing_generation"]!.GetValue<long>());
            using var served = await Svc.ChatAsync(a, "user-1");
            var id = served.Headers.GetValues("x-switchback-request-id").Single();
            Assert.Equal("2", served.Headers.GetValues("x-switchback-version").Single());

            var feedback = await b.PostAsJsonAsync("v1/feedback", new { request_id = id, score = -1 }, Ct);
            var forged = await b.PostAsJsonAsync("v1/feedback", new { request_id = id[..^2] + (id[^2] == 'A' ? "BB" : "AA"), score = -1 }, Ct);
            var altered = await b.PostAsJsonAsync("v1/feedback", new { request_id = id.Replace(".", ".A", StringComparison.Ordinal), score = -1 }, Ct);

            Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
            var recorded = (await feedback.Content.ReadFromJsonAsync<JsonNode>(Ct))!;
            Assert.Equal(("svc", 2), (recorded["deployment"]!.GetValue<string>(), recorded["version"]!.GetValue<int>()));
            Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, altered.StatusCode);
            var signals = JsonNode.Parse(await b.GetStringAsync("api/v1/deployments/svc/signals", Ct))!;
            Assert.Contains(signals["versions"]!.AsArray(), v => v!["version"]!.GetValue<int>() == 2 && v["feedback"]!["thumbs_down"]!.GetValue<long>() == 1);

            // The fleet as people see it: the CLI, and each replica's own gauges.
            var status = await replicas[1].CliAsync("status");
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Contains("Fleet: 2 live of 2 replicas", status.Stdout, StringComparison.Ordinal);
            Assert.All(replicas, r => Assert.Contains(r.Url, status.Stdout, StringComparison.Ordinal));
            var json = JsonNode.Parse((await replicas[1].CliAsync("status", "--output", "json")).Stdout)!;
            Assert.Single(json["replicas"]!.AsArray(), r => r!["role"]!.GetValue<string>() == "leader");
            var metrics = await Task.WhenAll(replicas.Select(async r => await r.CreateHttpClient(null).GetStringAsync("metrics", Ct)));
            Assert.Equal(1, metrics.Count(m => LeaderGauge(m) == 1));
            Assert.All(metrics, m => Assert.Contains("switchback_replica_signal_lag_seconds{replica=", m, StringComparison.Ordinal));
            var anonymous = await replicas[0].CreateHttpClient(null).GetAsync("api/v1/replicas", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        finally
        {
            Stop(replicas);
        }
    }

    [Fact]
    public async Task CommandsToFollowers_AreAppliedOnceByTheLeader_AndAnswerWhenEveryReplicaRoutesByThem()
    {
        using var dir = new TempDir();
        await using var db = await PostgresDatabase.CreateAsync();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("healthy", "--seed", "2");
        var replicas = await StartFleetAsync(db.StoreSpec, 3);
        try
        {
            await Svc.RegisterAsync(replicas[0], dir, v1.Url, v2.Url);
            var leader = await LeaderAsync(replicas);
            var followers = replicas.Where(r => r != leader).ToArray();
            var plan = """
                kind: Rollout
                deployment: svc
                candidate: 2
                steps:
                  - pause: {}
                  - canary: { weight: 100 }
                guardrails:
                  - { signal: error_rate, compare: baseline, severity: hard }
                """;
            var start = await followers[0].CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", plan));
            Assert.True(start.ExitCode == 0, start.ToString());
            Assert.Contains("paused", start.Stdout, StringComparison.Ordinal);

            var pause = await followers[1].CliAsync("rollout", "pause", "svc", "--reason", "look first");
            var promote = await followers[1].CliAsync("rollout", "promote", "svc", "--output", "json");
            var again = await followers[0].CliAsync("rollout", "promote", "svc");

            Assert.Equal(1, pause.ExitCode); // already paused at a pause step: refused by the leader, nothing changed
            Assert.Contains("refused", pause.Stderr, StringComparison.Ordinal);
            Assert.True(promote.ExitCode == 0, promote.ToString());
            var promoted = JsonNode.Parse(promote.Stdout)!;
            Assert.Equal("promoted", promoted["phase"]!.GetValue<string>());
            Assert.Equal((3, 3, true), (promoted["replicas"]!["applied"]!.GetValue<int>(), promoted["replicas"]!["live"]!.GetValue<int>(), promoted["replicas"]!["complete"]!.GetValue<bool>()));
            Assert.StartsWith("applied on 3/3 replicas in ", promoted["fleet"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(1, again.ExitCode);
            foreach (var replica in replicas)
            {
                using var http = replica.CreateHttpClient();
                using var response = await Svc.ChatAsync(http, "anyone");
                Assert.Equal("2", response.Headers.GetValues("x-switchback-version").Single());
            }

            using var admin = leader.CreateHttpClient();
            var audit = JsonNode.Parse(await admin.GetStringAsync("api/v1/audit?target=svc", Ct))!["entries"]!.AsArray();
            Assert.Single(audit, e => e!["action"]!.GetValue<string>() == "rollout.promoted");
        }
        finally
        {
            Stop(replicas);
        }
    }

    [Fact]
    public async Task SecondServerOnTheSameSqliteFile_IsRefusedWithAClearMessage_AndAKilledServerDoesNotBlockItsSuccessor()
    {
        using var dir = new TempDir();
        var first = await ServerProcess.StartAsync(dir.SqliteStore);
        try
        {
            using var second = ChildProcess.Start(["serve", "--listen", "http://127.0.0.1:0", "--store", dir.SqliteStore], new Dictionary<string, string?>());
            Assert.Equal(1, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("another switchback serve already runs on the SQLite store", second.Stderr, StringComparison.Ordinal);
            Assert.Contains("PostgreSQL", second.Stderr, StringComparison.Ordinal);

            first.Kill();
            using var successor = await ServerProcess.StartAsync(dir.SqliteStore);
            using var http = successor.CreateHttpClient();
            var fleet = JsonNode.Parse(await http.GetStringAsync("api/v1/replicas", Ct))!;
            Assert.Equal(successor.Url, fleet["replicas"]!.AsArray().Single(r => r!["role"]!.GetValue<string>() == "leader")!["address"]!.GetValue<string>());
        }
        finally
        {
            first.Dispose();
        }
    }

    private static int LeaderGauge(string metrics)
        => metrics.Split('\n').Where(l => l.StartsWith("switchback_replica_leader{", StringComparison.Ordinal)).Select(l => int.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).Single();

    internal static async Task<ServerProcess[]> StartFleetAsync(string store, int count)
    {
        // The first migrates the store; the others then start together.
        var first = await ServerProcess.StartAsync(store);
        var others = await Task.WhenAll(Enumerable.Range(1, count - 1).Select(_ => ServerProcess.StartAsync(store)));
        return [first, .. others];
    }

    internal static void Stop(IEnumerable<ServerProcess> replicas)
    {
        foreach (var replica in replicas)
        {
            replica.Dispose();
        }
    }

    internal static async Task<JsonNode> ReplicasAsync(ServerProcess replica)
    {
        using var http = replica.CreateHttpClient();
        return JsonNode.Parse(await http.GetStringAsync("api/v1/replicas", Ct))!;
    }

    internal static async Task<ServerProcess> LeaderAsync(ServerProcess[] replicas)
    {
        for (var until = DateTimeOffset.UtcNow.AddSeconds(10); DateTimeOffset.UtcNow < until; await Task.Delay(100, Ct))
        {
            var fleet = await ReplicasAsync(replicas[0]);
            if (fleet["replicas"]!.AsArray().SingleOrDefault(r => r!["role"]!.GetValue<string>() == "leader") is { } leader)
            {
                return replicas.Single(r => r.Url == leader["address"]!.GetValue<string>());
            }
        }

        throw new TimeoutException("no leader");
    }

    internal static async Task<ServerProcess> WaitForNewLeaderAsync(ServerProcess[] survivors, ServerProcess old, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            var fleet = await ReplicasAsync(survivors[0]);
            if (fleet["replicas"]!.AsArray().SingleOrDefault(r => r!["role"]!.GetValue<string>() == "leader") is { } leader
                && leader["address"]!.GetValue<string>() != old.Url)
            {
                return survivors.Single(r => r.Url == leader["address"]!.GetValue<string>());
            }

            await Task.Delay(50, Ct);
        }

        throw new TimeoutException($"no new leader within {limit}");
    }

    internal static async Task<JsonNode> WaitForFinishAsync(ServerProcess replica, TimeSpan limit)
    {
        using var http = replica.CreateHttpClient();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            var status = await Svc.RolloutAsync(http);
            if (status["finished"]!.GetValue<bool>())
            {
                return status;
            }

            await Task.Delay(200, Ct);
        }

        throw new TimeoutException($"the rollout did not finish within {limit}: {await Svc.RolloutAsync(http)}");
    }

    /// <summary>The replicas once every live one applies routing epoch <paramref name="epoch"/> (at most 5 s).</summary>
    internal static async Task<JsonNode> WaitForAppliedAsync(HttpClient admin, long epoch)
    {
        var watch = Stopwatch.StartNew();
        JsonNode fleet;
        do
        {
            fleet = JsonNode.Parse(await admin.GetStringAsync("api/v1/replicas", Ct))!;
            if (fleet["replicas"]!.AsArray().Where(r => r!["state"]!.GetValue<string>() == "live").All(r => r!["applied_routing_generation"]!.GetValue<long>() >= epoch))
            {
                return fleet;
            }

            await Task.Delay(20, Ct);
        }
        while (watch.Elapsed < TimeSpan.FromSeconds(5));
        throw new TimeoutException($"not every replica applied routing generation {epoch}: {fleet}");
    }

    /// <summary>Every decision of the rollout is in the audit log once, the audit chain holds, and the final alert came once.</summary>
    private static async Task AssertNothingDuplicatedAsync(ServerProcess replica, AlertReceiver receiver, string finalAlert)
    {
        using var admin = replica.CreateHttpClient();
        var audit = JsonNode.Parse(await admin.GetStringAsync("api/v1/audit?target=svc", Ct))!["entries"]!.AsArray();
        var decisions = audit.Where(e => e!["action"]!.GetValue<string>().StartsWith("rollout.", StringComparison.Ordinal))
            .Select(e => (Action: e!["action"]!.GetValue<string>(), Step: e["after"]?["step"]?.GetValue<int>(), Phase: e["after"]?["phase"]?.GetValue<string>()))
            .ToList();
        Assert.True(decisions.Count == decisions.Distinct().Count(), string.Join("\n", decisions));
        Assert.Single(decisions, d => d.Action == "rollout.promoted");
        var rollout = await Svc.RolloutAsync(admin);
        var kinds = rollout["decisions"]!.AsArray().Select(d => (d!["kind"]!.GetValue<string>(), d["step"]!.GetValue<int>())).ToList();
        Assert.True(kinds.Count == kinds.Distinct().Count(), string.Join("\n", kinds));
        Assert.True(JsonNode.Parse(await admin.GetStringAsync("api/v1/audit/verify", Ct))!["ok"]!.GetValue<bool>());
        await receiver.WaitForAsync(finalAlert, TimeSpan.FromSeconds(10));
        await Task.Delay(1500, Ct);
        Assert.Single(receiver.All, a => a["kind"]!.GetValue<string>() == finalAlert);
    }
}
