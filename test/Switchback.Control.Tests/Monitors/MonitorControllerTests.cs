using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Switchback.Control.Fleet;
using Switchback.Control.Monitors;
using Switchback.Control.Rollouts;
using Switchback.Control.Tests.Rollouts;
using Switchback.Core.Manifests;
using Switchback.Core.Monitors;
using Switchback.Storage;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Tests.Monitors;

/// <summary>The monitor controller on a fake clock, a real SQLite store and the real signal rings.</summary>
public sealed class MonitorControllerTests
{
    private const string Manifest = """
        kind: Monitor
        deployment: svc
        signals: [error_rate]
        false_alarm_every: 1h
        batch: 5s
        learn: 20s
        baseline: 1h
        seasonality: none
        alerts: [ { webhook: http://127.0.0.1:9/oncall } ]
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StableErrorsRise_AlertsOnceWithEvidence_RoutingAndRolloutsUntouched()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync(versions: 1);
        await ApplyAsync(h);
        var routing = await h.Store.GetRoutingStateAsync(ControllerHarness.Deployment, Ct);

        await RunAsync(h, h.Provider.GetRequiredService<MonitorController>(), seconds: 40, ok: 49, errors: 1);
        var watching = await StateAsync(h);
        Assert.True(watching.BatchesJudged >= 3, $"{watching.BatchesJudged} batches judged");
        Assert.Empty(h.Alerts.Sent);

        await RunAsync(h, h.Provider.GetRequiredService<MonitorController>(), seconds: 20, ok: 35, errors: 15);

        var (alert, receivers) = Assert.Single(h.Alerts.Sent);
        Assert.Equal(("monitor", "svc", (string?)null), (alert.Kind, alert.Deployment, alert.RolloutId));
        Assert.Equal("http://127.0.0.1:9/oncall", Assert.Single(receivers).Webhook.ToString());
        Assert.Equal("error_rate", alert.Evidence["signal"]!.GetValue<string>());
        Assert.True(alert.Evidence["value"]!.GetValue<double>() >= 720);
        var after = await StateAsync(h);
        Assert.Equal(1, after.Alarms);
        Assert.Equal(routing, await h.Store.GetRoutingStateAsync(ControllerHarness.Deployment, Ct));
        Assert.Empty(await h.Store.ListRolloutsAsync(ControllerHarness.Deployment, Ct));
    }

    [Fact]
    public async Task StableLatencyDoubles_LatencyP95AlarmsAgainstTheThresholdFixedFromItsOwnData()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync(versions: 1);
        await ApplyAsync(h, Manifest.Replace("signals: [error_rate]", "signals: [error_rate, latency_p95]", StringComparison.Ordinal));

        await RunAsync(h, h.Provider.GetRequiredService<MonitorController>(), seconds: 40, ok: 50, errors: 0, latencyMs: 20);
        var threshold = (await StateAsync(h)).Thresholds["latency_p95"];
        Assert.InRange(threshold, 24, 26);
        Assert.Empty(h.Alerts.Sent);

        await RunAsync(h, h.Provider.GetRequiredService<MonitorController>(), seconds: 15, ok: 50, errors: 0, latencyMs: 40);

        var (alert, _) = Assert.Single(h.Alerts.Sent);
        Assert.Equal("latency_p95", alert.Evidence["signal"]!.GetValue<string>());
        Assert.Equal(threshold, alert.Evidence["thresholds"]!["latency_p95"]!.GetValue<double>());
        Assert.Contains("latency_p95 drifted from its own past", alert.Summary, StringComparison.Ordinal);
        // After the alarm the version is learnt afresh: the threshold is fixed again, from the new level.
        Assert.InRange((await StateAsync(h)).Thresholds["latency_p95"], 40, 50);
    }

    [Fact]
    public async Task LowTraffic_QuantileThresholdFixedOnceFiftyValuesWereSeenAcrossIntervals()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync(versions: 1);
        await ApplyAsync(h, Manifest.Replace("signals: [error_rate]", "signals: [latency_p95]", StringComparison.Ordinal));
        var controller = h.Provider.GetRequiredService<MonitorController>();

        await RunAsync(h, controller, seconds: 4, ok: 10, errors: 0);
        var before = (await StateAsync(h)).Thresholds;
        await RunAsync(h, controller, seconds: 8, ok: 10, errors: 0);

        Assert.Empty(before);
        Assert.InRange((await StateAsync(h)).Thresholds["latency_p95"], 24, 26);
    }

    [Fact]
    public async Task LeaderReplaced_NewLeaderContinuesFromTheStore_NothingCountedTwice()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync(versions: 1);
        await ApplyAsync(h);
        var first = NewController(h, new Leading(true));
        await RunAsync(h, first, seconds: 33, ok: 10, errors: 0);
        var saved = await StateAsync(h);

        // The first leader dies mid-batch; the next one starts from the stored state and reads the windows from its cursor.
        var next = NewController(h, new Leading(true));
        await RunAsync(h, next, seconds: 17, ok: 10, errors: 0);

        var state = await StateAsync(h);
        Assert.Equal((saved.Since, saved.Version), (state.Since, state.Version));
        var counted = state.History.Sum(t => t.Counts["error_rate"].Trials) + (state.Batch.GetValueOrDefault("error_rate")?.Trials ?? 0);
        var expected = 10 * (long)(state.BatchStart - state.Since).TotalSeconds;
        Assert.Equal(expected, state.History.Sum(t => t.Counts["error_rate"].Trials));
        Assert.True(counted >= expected);
    }

    [Fact]
    public async Task NotLeader_ReadsAndSavesNothing()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync(versions: 1);
        await ApplyAsync(h);

        await RunAsync(h, NewController(h, new Leading(false)), seconds: 10, ok: 10, errors: 5);

        Assert.Null((await h.Store.GetMonitorAsync(ControllerHarness.Deployment, Ct))!.StateJson);
        Assert.Empty(h.Alerts.Sent);
    }

    private static async Task ApplyAsync(ControllerHarness h, string manifest = Manifest)
    {
        var spec = ((MonitorManifest)ManifestReader.Read(manifest, "m.yaml").Documents.Single()).Spec;
        Assert.Equal(MonitorApplyStatus.Created, await h.Store.ApplyMonitorAsync(ControllerHarness.Deployment, spec.ToJson().ToJsonString(), new AuditContext("ops"), Ct));
    }

    /// <summary>Each second: serve requests on stable, advance the clock, tick.</summary>
    private static async Task RunAsync(ControllerHarness h, MonitorController controller, int seconds, int ok, int errors, double latencyMs = 20)
    {
        for (var i = 0; i < seconds; i++)
        {
            h.Serve(1, ok, errors, latencyMs);
            h.Time.Advance(TimeSpan.FromSeconds(1));
            await controller.TickAsync(Ct);
        }
    }

    private static async Task<MonitorState> StateAsync(ControllerHarness h)
        => MonitorState.Deserialize((await h.Store.GetMonitorAsync(ControllerHarness.Deployment, Ct))!.StateJson!);

    private static MonitorController NewController(ControllerHarness h, ILeadership leadership)
        => new(h.Store, h.Provider.GetRequiredService<IRolloutSignals>(), h.Alerts, leadership, h.Time, NullLogger<MonitorController>.Instance);

    private sealed class Leading(bool leads) : ILeadership
    {
        public bool IsLeader => leads;

        public LeaderFence? Fence => null;

        public long Elections => 1;

        public void Lost(FencedException exception)
        {
        }

        public Task WaitForWorkAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) => Task.CompletedTask;

        public void Poke()
        {
        }
    }
}
