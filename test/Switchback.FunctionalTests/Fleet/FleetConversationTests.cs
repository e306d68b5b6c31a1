using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;
using Switchback.UpstreamSim;

namespace Switchback.FunctionalTests.Fleet;

/// <summary>
/// Conversation affinity (docs/gateway.md, "Conversation affinity"; docs/fleet.md, "Conversations across the fleet") over
/// three real <c>switchback serve</c> replicas on one real PostgreSQL: what one replica learnt about who created a response
/// reaches the others through the store's <c>response_owners</c>, and outlives the replica.
/// </summary>
/// <remarks>
/// The simulators run in this process (real Kestrel servers on loopback, as in <c>ServedGatewayTests</c>) rather than as
/// <c>upstream-sim</c> processes: the test must read their request counters (<see cref="SimStats"/>) to show that a refused
/// follow-up asked no upstream, and a simulator process does not publish them. Every gateway is a real process.
/// </remarks>
[Collection(FleetCollection.Name)]
public sealed class FleetConversationTests
{
    private const int Keys = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FollowUpsThroughOtherReplicas_ReachTheCreatingVersion_AlsoAfterTheCreatorIsKilled_AndAfterARollbackAreRefusedWithoutAskingAnyUpstream()
    {
        using var dir = new TempDir();
        await using var db = await PostgresDatabase.CreateAsync();
        await using var sim1 = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 1, Seed = 1 }, ct: Ct);
        await using var sim2 = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 1, Seed = 2 }, ct: Ct);

        // Pooled, as a deployment's connection string is (docs/fleet.md): a follow-up's store lookup is bounded by 250 ms
        // (ResponseAffinityLookupTimeout), and with PostgresDatabase's unpooled spec each lookup also opens a connection.
        var store = "postgres:" + new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = true }.ConnectionString;
        var replicas = await FleetTests.StartFleetAsync(store, 3);
        var (a, b, c) = (replicas[0], replicas[1], replicas[2]);
        var created = new List<Created>();
        var instances = new Dictionary<int, string>();
        try
        {
            (instances[1], instances[2]) = (await InstanceOfAsync(sim1), await InstanceOfAsync(sim2));
            Assert.NotEqual(instances[1], instances[2]);

            // svc@1 and svc@2 on two simulators: two response stores, so neither version can continue the other's responses.
            await Svc.RegisterAsync(a, dir, sim1.BaseAddress.ToString().TrimEnd('/'), sim2.BaseAddress.ToString().TrimEnd('/'));
            var plan = Manifests.Canary(duration: "30m", minRequests: 100_000);
            var start = await b.CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", plan));
            Assert.True(start.ExitCode == 0, start.ToString());
            using var adminA = a.CreateHttpClient();
            Assert.Equal(2, (await Svc.WaitForCandidateAsync(adminA))["candidate"]!.GetValue<int>());
            await FleetTests.WaitForAppliedAsync(adminA, (await FleetTests.ReplicasAsync(a))["routing_generation"]!.GetValue<long>());

            // Responses created through A, one sticky key each: the canary sends about half of them to each version.
            using var httpA = a.CreateHttpClient(null);
            for (var i = 0; i < Keys; i++)
            {
                var key = "user-" + i;
                var (version, body) = await SendAsync(httpA, key, $"question {i}");
                Assert.Equal(instances[version], Instance(body["id"]!.GetValue<string>()));
                created.Add(new Created(body["id"]!.GetValue<string>(), version, key));
            }

            var byVersion = created.ToLookup(r => r.Version);
            Assert.True(byVersion[1].Count() >= 2 && byVersion[2].Count() >= 2, "the canary sent " + string.Join(", ", created.Select(r => $"{r.Key}→{r.Version}")));

            // A key the canary gives the other version: each follow-up names one, so only affinity can bring it to its creator.
            string OtherKey(int version) => byVersion[3 - version].First().Key;

            // One conversation per version, begun through A.
            var conversations = new Dictionary<string, int>();
            foreach (var version in new[] { 1, 2 })
            {
                var id = $"conv_fleet_{version}_{Guid.NewGuid():N}";
                var (served, _) = await SendAsync(httpA, byVersion[version].First().Key, "let us talk", conversation: id);
                Assert.Equal(version, served);
                conversations[id] = version;
            }

            // A's background writer stores each owner a few milliseconds after its response ended; a follow-up that reached
            // another replica before that would be an unknown id, routed by its key (documented). So wait — at most 10 s —
            // until every owner is in response_owners, with the version that served it.
            var expected = created.ToDictionary(r => ("response", r.Id), r => r.Version);
            foreach (var (id, version) in conversations)
            {
                expected[("conversation", id)] = version;
            }

            var stored = await WaitForOwnersAsync(db, expected, TimeSpan.FromSeconds(10));
            TestContext.Current.TestOutputHelper?.WriteLine($"{expected.Count} owners stored by A within {stored.TotalMilliseconds:0} ms of the last response");

            // Half of each version's responses are followed up through B and C now; the other half first after A is dead, so B
            // can only learn their owners from the store.
            var now = byVersion.SelectMany(v => v.Where((_, i) => i % 2 == 0)).ToList();
            var later = created.Except(now).ToList();
            using var httpB = b.CreateHttpClient(null);
            using var httpC = c.CreateHttpClient(null);
            for (var i = 0; i < now.Count; i++)
            {
                await AssertContinuedAsync(i % 2 == 0 ? httpB : httpC, now[i]);
            }

            foreach (var http in new[] { httpB, httpC })
            {
                foreach (var (id, version) in conversations)
                {
                    var (served, body) = await SendAsync(http, OtherKey(version), "and then?", conversation: id);
                    Assert.Equal(version, served);
                    Assert.Equal(instances[version], Instance(body["id"]!.GetValue<string>()));
                }
            }

            // SIGKILL the creator: no shutdown flush. Its owners are already in the store (waited for above).
            a.Kill();
            foreach (var response in later)
            {
                await AssertContinuedAsync(httpB, response);
            }

            Assert.Equal(0, sim1.Stats.Count(SimOutcome.NotFound) + sim2.Stats.Count(SimOutcome.NotFound));

            // Roll the candidate back (on B). Its responses live only on sim2, which nothing routes to now and which shares no
            // response store with svc@1: a follow-up is refused by any live replica with 409, before any upstream is asked.
            using var adminB = b.CreateHttpClient();
            using var rollback = await adminB.PostAsJsonAsync("api/v1/deployments/svc/rollback", new { reason = "candidate rolled back in the affinity test" }, Ct);
            var rolledBack = (await rollback.Content.ReadFromJsonAsync<JsonNode>(Ct))!;
            Assert.True(rollback.StatusCode == HttpStatusCode.OK, rolledBack.ToJsonString());
            Assert.Equal(("rolled_back", 1), (rolledBack["status"]!.GetValue<string>(), rolledBack["to"]!.GetValue<int>()));
            await WaitForAppliedOnAsync(adminB, [b, c], (await FleetTests.ReplicasAsync(b))["routing_generation"]!.GetValue<long>());

            var asked = (sim1.Stats.RequestsTo(SimEndpoint.Responses), sim2.Stats.RequestsTo(SimEndpoint.Responses));
            var candidateFollowedUp = now.First(r => r.Version == 2);   // B or C took its owner from the store before the kill
            var candidateOnlyInStore = later.First(r => r.Version == 2); // C never saw it: C can only find its owner in the store
            var candidateConversation = conversations.Single(x => x.Value == 2).Key;
            foreach (var http in new[] { httpB, httpC })
            {
                foreach (var response in new[] { candidateFollowedUp, candidateOnlyInStore })
                {
                    await AssertRefusedAsync(http, JsonValue.Create(response.Id), null, "previous_response_unavailable", "previous_response_id", response.Id);
                }

                await AssertRefusedAsync(http, null, candidateConversation, "conversation_unavailable", "conversation", candidateConversation);
            }

            Assert.Equal(asked, (sim1.Stats.RequestsTo(SimEndpoint.Responses), sim2.Stats.RequestsTo(SimEndpoint.Responses)));
        }
        catch
        {
            // Which replica skipped or failed the store is in its own log.
            foreach (var replica in replicas)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"--- {replica.Url}\n{replica.Stdout[Math.Max(0, replica.Stdout.Length - 8000)..]}\n{replica.Stderr}");
            }

            throw;
        }
        finally
        {
            FleetTests.Stop(replicas);
        }

        async Task AssertContinuedAsync(HttpClient http, Created response)
        {
            var (served, body) = await SendAsync(http, OtherKeyOf(response), "tell me more", previous: response.Id);
            Assert.Equal(response.Version, served);
            Assert.Equal(response.Id, body["previous_response_id"]!.GetValue<string>());

            // The answer's id names the simulator that answered: the one that created the response (a 404 has no id).
            Assert.Equal(instances[response.Version], Instance(body["id"]!.GetValue<string>()));
        }

        string OtherKeyOf(Created response) => created.First(r => r.Version != response.Version).Key;
    }

    /// <summary>A <c>POST /v1/responses</c> for svc; returns the serving version and the body, after asserting a 200.</summary>
    private static async Task<(int Version, JsonNode Body)> SendAsync(HttpClient http, string key, string input, string? previous = null, string? conversation = null)
    {
        using var response = await http.SendAsync(Request(key, input, previous is null ? null : JsonValue.Create(previous), conversation), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} from {http.BaseAddress} for {previous ?? conversation ?? input}: {text}");
        return (int.Parse(response.Headers.GetValues("x-switchback-version").Single(), System.Globalization.CultureInfo.InvariantCulture), JsonNode.Parse(text)!);
    }

    private static async Task AssertRefusedAsync(HttpClient http, JsonNode? previous, string? conversation, string code, string param, string id)
    {
        using var response = await http.SendAsync(Request("user-0", "still there?", previous, conversation), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{(int)response.StatusCode} from {http.BaseAddress} for {id}: {text}");
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.Equal(("invalid_request_error", code, param), (error["type"]!.GetValue<string>(), error["code"]!.GetValue<string>(), error["param"]!.GetValue<string>()));
        Assert.Contains(id, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("svc@2", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Request(string key, string input, JsonNode? previous, string? conversation)
    {
        var body = new JsonObject { ["model"] = "svc", ["input"] = input };
        if (previous is not null)
        {
            body["previous_response_id"] = previous;
        }

        if (conversation is not null)
        {
            body["conversation"] = conversation;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses") { Content = JsonContent.Create(body) };
        request.Headers.Add("x-switchback-key", key);
        return request;
    }

    /// <summary>The simulator's instance in a simulated id <c>resp_sim&lt;instance&gt;-&lt;sequence&gt;</c>.</summary>
    private static string Instance(string id) => id[..id.LastIndexOf('-')];

    /// <summary>
    /// The instance token in the ids <paramref name="sim"/> makes (<c>resp_sim&lt;instance&gt;-&lt;sequence&gt;</c>), learnt
    /// from one response asked of it directly, not through the gateway.
    /// </summary>
    private static async Task<string> InstanceOfAsync(UpstreamSimulator sim)
    {
        using var http = new HttpClient { BaseAddress = sim.BaseAddress };
        using var response = await http.PostAsJsonAsync("v1/responses", new { model = "m", input = "who are you?", store = false }, Ct);
        response.EnsureSuccessStatusCode();
        return Instance((await response.Content.ReadFromJsonAsync<JsonNode>(Ct))!["id"]!.GetValue<string>());
    }

    /// <summary>
    /// Polls the store's <c>response_owners</c> until every (kind, id) of <paramref name="expected"/> is there with its version;
    /// returns how long that took, or fails after <paramref name="limit"/> naming what is missing.
    /// </summary>
    private static async Task<TimeSpan> WaitForOwnersAsync(PostgresDatabase db, Dictionary<(string Kind, string Id), int> expected, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var owners = new Dictionary<(string, string), int>();
            await using (var connection = new Npgsql.NpgsqlConnection(db.ConnectionString))
            {
                await connection.OpenAsync(Ct);
                await using var command = new Npgsql.NpgsqlCommand("SELECT kind, id, version FROM response_owners WHERE deployment = 'svc'", connection);
                await using var reader = await command.ExecuteReaderAsync(Ct);
                while (await reader.ReadAsync(Ct))
                {
                    owners[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
                }
            }

            var missing = expected.Where(e => !owners.TryGetValue(e.Key, out var version) || version != e.Value).ToList();
            if (missing.Count == 0)
            {
                return watch.Elapsed;
            }

            Assert.True(watch.Elapsed < limit, $"after {limit.TotalSeconds} s the store lacks {missing.Count} owners, e.g. {missing[0].Key} → {missing[0].Value}");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>Waits (at most 5 s) until each of <paramref name="replicas"/> applies routing generation <paramref name="epoch"/>.</summary>
    private static async Task WaitForAppliedOnAsync(HttpClient admin, ServerProcess[] replicas, long epoch)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var fleet = JsonNode.Parse(await admin.GetStringAsync("api/v1/replicas", Ct))!;
            var applied = fleet["replicas"]!.AsArray()
                .Where(r => r!["applied_routing_generation"]!.GetValue<long>() >= epoch)
                .Select(r => r!["address"]!.GetValue<string>());
            if (replicas.All(r => applied.Contains(r.Url)))
            {
                return;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"not every replica applied routing generation {epoch}: {fleet}");
            await Task.Delay(20, Ct);
        }
    }

    private sealed record Created(string Id, int Version, string Key);
}
