using System.Net;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Fleet;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Dashboard;

/// <summary><c>GET /api/v1/deployments/{d}/signals/series</c> (docs/api.md), which the console's charts draw, on one server and on a fleet.</summary>
[Collection(FleetCollection.Name)]
public sealed class SignalSeriesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Series_OneServer_AlignedBucketsCountEachVersionsRequests_AndMalformedQueriesAreRefused()
    {
        using var svc = await SvcOnSims.StartAsync("healthy", "--seed", "2");
        using var http = svc.Server.CreateHttpClient();
        await ChatsAsync(http, "a", 6);
        using (var put = await http.PutAsync("api/v1/deployments/svc/routing", Json("""{"candidate": 2, "candidate_weight": 100, "reason": "series test"}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await ChatsAsync(http, "b", 4);

        var series = JsonNode.Parse(await http.GetStringAsync("api/v1/deployments/svc/signals/series?window=5m&step=10s", Ct))!;
        Assert.Equal("replica", series["source"]!.GetValue<string>());
        Assert.Equal(10, series["step_seconds"]!.GetValue<long>());
        var versions = series["versions"]!.AsArray().ToDictionary(v => v!["version"]!.GetValue<int>(), v => v!["points"]!.AsArray());
        Assert.Equal([1, 2], versions.Keys.Order());
        Assert.Equal(6, versions[1].Sum(p => p!["requests"]!.GetValue<long>()));
        Assert.Equal(4, versions[2].Sum(p => p!["requests"]!.GetValue<long>()));
        foreach (var points in versions.Values)
        {
            Assert.Equal(30, points.Count);
            Assert.All(points, p => Assert.Equal(0, p!["t"]!.GetValue<long>() % 10));
            Assert.All(points.Skip(1).Zip(points), pair => Assert.Equal(10, pair.First!["t"]!.GetValue<long>() - pair.Second!["t"]!.GetValue<long>()));
            var busy = points.Where(p => p!["requests"]!.GetValue<long>() > 0).ToList();
            Assert.All(busy, p => Assert.NotNull(p!["latency_ms"]!["p95"]));
            Assert.All(busy, p => Assert.True(p!["tokens_out"]!.GetValue<long>() > 0));
            Assert.All(points.Except(busy), p => Assert.Null(p!["latency_ms"]!["p95"]));
        }

        // The default: 10 minutes in 60 buckets.
        var byDefault = JsonNode.Parse(await http.GetStringAsync("api/v1/deployments/svc/signals/series", Ct))!;
        Assert.Equal(10, byDefault["step_seconds"]!.GetValue<long>());
        Assert.Equal(60, byDefault["versions"]![0]!["points"]!.AsArray().Count);

        (string Query, string Code)[] bad =
        [
            ("window=forever", "invalid_window"),
            ("window=2h", "invalid_window"),
            ("window=0s", "invalid_window"),
            ("window=-5m", "invalid_window"),
            ("step=0s", "invalid_step"),
            ("step=ten", "invalid_step"),
            ("window=5m&step=10m", "invalid_step"),
            ("window=1h&step=1s", "invalid_step"),
        ];
        foreach (var (query, code) in bad)
        {
            using var response = await http.GetAsync("api/v1/deployments/svc/signals/series?" + query, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query} => {(int)response.StatusCode} {body}");
            Assert.Equal(code, JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("api/v1/deployments/nobody/signals/series", Ct)).StatusCode);
        using var anonymous = svc.Server.CreateHttpClient(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/deployments/svc/signals/series", Ct)).StatusCode);
    }

    [Fact]
    public async Task Series_TwoReplicasOnPostgres_EitherReplicaAnswersWithBothReplicasRequests()
    {
        using var dir = new TempDir();
        await using var db = await PostgresDatabase.CreateAsync();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("healthy", "--seed", "2");
        var replicas = await FleetTests.StartFleetAsync(db.StoreSpec, 2);
        try
        {
            await Svc.RegisterAsync(replicas[0], dir, v1.Url, v2.Url);
            using var first = replicas[0].CreateHttpClient();
            using var second = replicas[1].CreateHttpClient();
            await ChatsAsync(first, "a", 5);
            await ChatsAsync(second, "b", 7);

            // Shipped windows reach the store within a report interval or two; both replicas then answer the same total.
            foreach (var http in new[] { first, second })
            {
                long total = 0;
                JsonNode? series = null;
                for (var until = DateTimeOffset.UtcNow.AddSeconds(15); total < 12 && DateTimeOffset.UtcNow < until;)
                {
                    series = JsonNode.Parse(await http.GetStringAsync("api/v1/deployments/svc/signals/series?window=2m&step=5s", Ct))!;
                    total = series["versions"]!.AsArray().Where(v => v!["version"]!.GetValue<int>() == 1)
                        .SelectMany(v => v!["points"]!.AsArray()).Sum(p => p!["requests"]!.GetValue<long>());
                    await Task.Delay(200, Ct);
                }

                Assert.Equal("fleet", series!["source"]!.GetValue<string>());
                Assert.Equal(12, total);
            }
        }
        finally
        {
            FleetTests.Stop(replicas);
        }
    }

    private static async Task ChatsAsync(HttpClient http, string prefix, int n)
    {
        for (var i = 0; i < n; i++)
        {
            using var response = await Svc.ChatAsync(http, prefix + i);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
