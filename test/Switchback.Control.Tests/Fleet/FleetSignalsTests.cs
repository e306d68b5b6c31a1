using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchback.Control.Alerts;
using Switchback.Control.Fleet;
using Switchback.Control.Rollouts;
using Switchback.Core.Bundles;
using Switchback.Gateway.Hosting;
using Switchback.Gateway.Signals;
using Switchback.Storage;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Tests.Fleet;

/// <summary>
/// Signals across replicas on a real SQLite store and one fake clock: shipped windows merge into the fleet's view, the interval
/// ends at the live replicas' watermark, a silent replica is marked lost and no longer waited for, and what it then cannot
/// ship is dropped and counted — never counted twice.
/// </summary>
public sealed class FleetSignalsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "sb-fleet-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(T0);
    private readonly List<ServiceProvider> providers = [];
    private IRegistryStore store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        store = RegistryStoreFactory.Create("sqlite:" + Path.Combine(folder, "s.db"), time);
        await store.MigrateAsync(Ct);
        foreach (var v in new[] { 1, 2 })
        {
            var json = $$$"""{"model":{"endpoint":"http://127.0.0.1:9/v1","name":"m{{{v}}}","provider":"openai"}}""";
            await store.RegisterAsync(new BundleContent("svc", v, json, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))), new AuditContext("admin"), Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }

        await store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task TwoReplicas_ShippedWindowsMerge_AndTheIntervalEndsAtTheSlowerOnesWatermark()
    {
        var a = Replica();
        var b = Replica();
        await a.ReportAsync();
        await b.ReportAsync();
        Serve(a, 1, 10);
        Serve(b, 1, 7);
        Serve(b, 2, 3);
        time.Advance(TimeSpan.FromSeconds(1));
        Serve(a, 1, 5);
        time.Advance(TimeSpan.FromSeconds(1));

        await a.ReportAsync();
        var onlyA = await a.Signals.ReadAsync("svc", [1, 2], "r-test", T0, time.GetUtcNow(), Ct);
        await b.ReportAsync();
        var both = await a.Signals.ReadAsync("svc", [1, 2], "r-test", T0, time.GetUtcNow(), Ct);

        Assert.Null(onlyA); // b had shipped nothing after T0 yet: no second is complete for the fleet
        Assert.Equal(T0.AddSeconds(2), both!.End);
        Assert.Equal(22, both.Versions[1].Signals.Requests);
        Assert.Equal(3, both.Versions[2].Signals.Requests);
        Assert.True(a.Signals.Lags);
    }

    [Fact]
    public async Task SilentReplica_IsMarkedLostAfterTheTimeout_ThenDropsAndCountsWhatItHadNotShipped()
    {
        var leader = Replica();
        var silent = Replica();
        var fence = (await ((IFleetStore)store).TryTakeLeaseAsync("leader", null, Ct))!.Fence;
        leader.Leadership.Fence = fence;
        await leader.ReportAsync();
        await silent.ReportAsync();

        // The silent replica serves but stops reporting; the leader keeps reporting and watching.
        for (var second = 0; second < 7; second++)
        {
            Serve(leader, 1, 4);
            Serve(silent, 1, 2);
            time.Advance(TimeSpan.FromSeconds(1));
            await leader.ReportAsync();
            await leader.Housekeeper.StepAsync(Ct);
        }

        var replicas = await ((IFleetStore)store).ListReplicasAsync(Ct);
        var judged = await leader.Signals.ReadAsync("svc", [1], "r-test", T0, time.GetUtcNow(), Ct);
        var back = await silent.ReportAsync();
        var reporter = silent.Provider.GetRequiredService<ReplicaReporter>();

        Assert.Equal(ReplicaState.Lost, replicas.Single(r => r.Id == silent.Identity.Id).State);
        Assert.Equal(T0.AddSeconds(7), judged!.End);
        Assert.Equal(28, judged.Versions[1].Signals.Requests); // the leader's own; the lost replica's never arrived
        Assert.True(back);
        Assert.Equal(7, reporter.DroppedSeconds);
        Assert.Equal(14, reporter.DroppedRequests);
        Assert.Equal(ReplicaState.Live, (await ((IFleetStore)store).ListReplicasAsync(Ct)).Single(r => r.Id == silent.Identity.Id).State);
        var after = await leader.Signals.ReadAsync("svc", [1], "r-test", T0, time.GetUtcNow(), Ct);
        Assert.Equal(28, after!.Versions[1].Signals.Requests); // nothing it dropped arrives later
    }

    [Fact]
    public async Task StoreBacklog_IsShippedInBoundedReports_WithNothingLost()
    {
        var a = Replica();
        await a.ReportAsync();
        for (var second = 0; second < ReplicaReporter.MaxSecondsPerReport + 30; second++)
        {
            Serve(a, 1, 1);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await a.ReportAsync();
        var first = (await ((IFleetStore)store).ListReplicasAsync(Ct)).Single().SignalsThrough;
        await a.ReportAsync();
        var read = await a.Signals.ReadAsync("svc", [1], "r-test", T0, time.GetUtcNow(), Ct);

        Assert.Equal(T0.ToUnixTimeSeconds() + ReplicaReporter.MaxSecondsPerReport, first);
        Assert.Equal(ReplicaReporter.MaxSecondsPerReport + 30, read!.Versions[1].Signals.Requests);
        Assert.Equal(0, a.Provider.GetRequiredService<ReplicaReporter>().DroppedSeconds);
    }

    [Fact]
    public async Task KeySpreadOverTwoReplicas_FormsOneUnitForTheFleet_RequestsWithoutKeyEachTheirOwn()
    {
        var a = Replica();
        var b = Replica();
        await a.ReportAsync();
        await b.ReportAsync();
        foreach (var replica in new[] { a, b })
        {
            var units = replica.Provider.GetRequiredService<Switchback.Gateway.Units.UnitTracker>();
            for (var i = 0; i < 3; i++)
            {
                // The same user (one key hash) on both replicas, and one request without a key on each.
                units.Record(new Switchback.Gateway.Units.UnitTicket("svc", "r-test", 12345, 2, true, 500), new RequestSample(10, RequestOutcome.Http5xx));
            }

            units.Record(new Switchback.Gateway.Units.UnitTicket("svc", "r-test", 0, 1, false, 500), new RequestSample(10));
        }

        time.Advance(TimeSpan.FromSeconds(20));
        foreach (var replica in new[] { a, b })
        {
            replica.Provider.GetRequiredService<Switchback.Gateway.Units.UnitTracker>().Sweep(_ => ("r-test", 500));
        }

        // Units closed by the sweep belong to the second under way: they ship with the next report.
        time.Advance(TimeSpan.FromSeconds(1));
        await a.ReportAsync();
        await b.ReportAsync();

        var read = await a.Signals.ReadAsync("svc", [1, 2], "r-test", T0, time.GetUtcNow(), Ct);

        Assert.Equal(3, read!.Units.Count);
        Assert.Single(read.Units, u => u.KeyHash == 12345 && u.Failed && u.Candidate);
        Assert.Equal(2, read.Units.Count(u => !u.Candidate));
    }

    [Fact]
    public async Task Monitor_RunsOnTheLeaderOnTheFleetsMergedWindows_AFollowerLeavesItAlone()
    {
        var leader = Replica();
        var follower = Replica();
        leader.Leadership.Fence = (await ((IFleetStore)store).TryTakeLeaseAsync("leader", null, Ct))!.Fence;
        var spec = "{\"kind\":\"Monitor\",\"deployment\":\"svc\",\"signals\":[\"error_rate\"],\"batch\":\"2s\",\"learn\":\"4s\",\"baseline\":\"1h\",\"seasonality\":\"none\",\"false_alarm_every\":\"1d\"}";
        Assert.Equal(MonitorApplyStatus.Created, await store.ApplyMonitorAsync("svc", spec, new AuditContext("ops"), Ct));
        await leader.ReportAsync();
        await follower.ReportAsync();

        for (var second = 0; second < 9; second++)
        {
            Serve(leader, 1, 4);
            Serve(follower, 1, 6);
            time.Advance(TimeSpan.FromSeconds(1));
            await leader.ReportAsync();
            await follower.ReportAsync();
            await follower.Monitors.TickAsync(Ct);
            await leader.Monitors.TickAsync(Ct);
        }

        var state = Core.Monitors.MonitorState.Deserialize((await store.GetMonitorAsync("svc", Ct))!.StateJson!);
        var judged = (long)(state.BatchStart - state.Since).TotalSeconds;
        Assert.True(judged >= 6, $"{judged} s in closed batches");
        Assert.Equal(10 * judged, state.History.Sum(t => t.Counts["error_rate"].Trials));
    }

    private static void Serve(TestReplica replica, int version, int ok)
    {
        var signals = replica.Provider.GetRequiredService<SignalRegistry>().Get("svc", version);
        for (var i = 0; i < ok; i++)
        {
            signals.Record(new RequestSample(10));
        }
    }

    private TestReplica Replica()
    {
        var leadership = new TestLeadership();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(store);
        services.AddSingleton<IAlertDispatcher, NoAlerts>();
        services.AddSwitchbackGateway();
        services.AddSwitchbackRollouts();
        services.AddSwitchbackFleet(shareSignals: true);
        services.AddSingleton<ILeadership>(leadership);
        var provider = services.BuildServiceProvider();
        providers.Add(provider);
        return new TestReplica(provider, leadership);
    }

    private sealed record TestReplica(ServiceProvider Provider, TestLeadership Leadership)
    {
        public IRolloutSignals Signals => Provider.GetRequiredService<IRolloutSignals>();

        public ReplicaIdentity Identity => Provider.GetRequiredService<ReplicaIdentity>();

        public Control.Monitors.MonitorController Monitors => Provider.GetRequiredService<Control.Monitors.MonitorController>();

        public FleetHousekeeper Housekeeper => Provider.GetRequiredService<FleetHousekeeper>();

        public Task<bool> ReportAsync() => Provider.GetRequiredService<ReplicaReporter>().ReportAsync(TestContext.Current.CancellationToken);
    }

    private sealed class TestLeadership : ILeadership
    {
        public LeaderFence? Fence { get; set; }

        public bool IsLeader => Fence is not null;

        public long Elections => 1;

        public void Lost(FencedException exception) => Fence = null;

        public Task WaitForWorkAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken) => Task.CompletedTask;

        public void Poke()
        {
        }
    }

    private sealed class NoAlerts : IAlertDispatcher
    {
        public void Enqueue(AlertMessage alert, IReadOnlyList<AlertReceiver> receivers)
        {
        }
    }
}
