using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;
using Switchback.FunctionalTests.Monitors;

namespace Switchback.FunctionalTests.Fleet;

/// <summary>A drift monitor on three real replicas on one PostgreSQL: it runs on the leader and survives the leader's death.</summary>
[Collection(FleetCollection.Name)]
public sealed class FleetMonitorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LeaderKilled_MonitorContinuesFromTheStore_ThenAlertsOnceOnTheFleetsTraffic_RoutingUntouched()
    {
        using var dir = new TempDir();
        await using var db = await PostgresDatabase.CreateAsync();
        Sim? upstream = await Sim.StartAsync("healthy");
        await using var receiver = await AlertReceiver.StartAsync();
        var replicas = await FleetTests.StartFleetAsync(db.StoreSpec, 3);
        try
        {
            await Svc.RegisterAsync(replicas[0], dir, upstream.Url, upstream.Url);
            var apply = await replicas[1].CliAsync("apply", "-f", dir.Write("monitor.yaml", MonitorFlowTests.Manifest(receiver.Url)));
            Assert.True(apply.ExitCode == 0, apply.ToString());
            await using var load = new FleetLoad([.. replicas.Select(r => r.Url)]);

            var leader = await FleetTests.LeaderAsync(replicas);
            var survivors = replicas.Where(r => r != leader).ToArray();
            using var http = survivors[0].CreateHttpClient();
            var before = await MonitorFlowTests.WaitForAsync(http, m => m["batches_judged"]?.GetValue<long>() >= 2, TimeSpan.FromSeconds(60));
            var routing = (await Svc.RoutingAsync(http)).ToJsonString();

            load.Exclude(leader.Url);
            leader.Kill();
            await FleetTests.WaitForNewLeaderAsync(survivors, leader, TimeSpan.FromSeconds(8));
            var after = await MonitorFlowTests.WaitForAsync(http, m => m["batches_judged"]!.GetValue<long>() > before["batches_judged"]!.GetValue<long>() + 2, TimeSpan.FromSeconds(30));
            Assert.Equal(before["since"]!.GetValue<DateTimeOffset>(), after["since"]!.GetValue<DateTimeOffset>());
            Assert.Equal(0, after["alarms"]!.GetValue<int>());

            // The stable version's model server turns flaky on the same address.
            var address = upstream.Url;
            upstream.Dispose();
            upstream = await Sim.StartAsync("flaky", "--error-rate", "0.5", "--listen", address);
            var alert = await receiver.WaitForAsync("monitor", TimeSpan.FromSeconds(60));
            await MonitorFlowTests.WaitForAsync(http, m => m["alarms"]!.GetValue<int>() >= 1, TimeSpan.FromSeconds(10));
            await Task.Delay(3000, Ct); // any duplicate from a second sender would have arrived by now

            Assert.Equal("error_rate", alert["evidence"]!["signal"]!.GetValue<string>());
            Assert.Single(receiver.All, a => a["kind"]?.GetValue<string>() == "monitor");
            Assert.Equal(routing, (await Svc.RoutingAsync(http)).ToJsonString());
        }
        finally
        {
            FleetTests.Stop(replicas);
            upstream?.Dispose();
        }
    }
}
