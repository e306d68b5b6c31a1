using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Monitors;

/// <summary>A monitor on real server, simulator, webhook receiver and CLI processes: the stable version's own fault rises mid-run.</summary>
public sealed class MonitorFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Monitor_StableErrorRateRaisedMidRun_AlertsWithEvidenceAndRoutingUntouched()
    {
        using var dir = new TempDir();
        await using var receiver = await AlertReceiver.StartAsync();
        Sim? healthy = await Sim.StartAsync("healthy");
        Sim? flaky = null;
        try
        {
            using var server = await ServerProcess.StartAsync(dir.SqliteStore);
            await Svc.RegisterAsync(server, dir, healthy.Url, healthy.Url);
            var monitor = Manifest(receiver.Url);
            var apply = await server.CliAsync("apply", "-f", dir.Write("monitor.yaml", monitor));
            Assert.True(apply.ExitCode == 0, apply.ToString());
            Assert.Contains("svc monitor created", apply.Stdout, StringComparison.Ordinal);
            var again = await server.CliAsync("apply", "-f", dir.Write("monitor.yaml", monitor));
            Assert.Contains("svc monitor unchanged", again.Stdout, StringComparison.Ordinal);

            using var http = server.CreateHttpClient();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var traffic = DriveAsync(http, stop.Token);
            var watching = await WaitForAsync(http, m => m["phase"]?.GetValue<string>() == "watching" && m["batches_judged"]!.GetValue<long>() >= 2, TimeSpan.FromSeconds(60));
            Assert.Equal(0, watching["alarms"]!.GetValue<int>());
            var routingBefore = (await Svc.RoutingAsync(http)).ToJsonString();

            // The stable version's upstream turns flaky on the same address: the bundle is unchanged, the model server is not.
            var address = healthy.Url;
            healthy.Dispose();
            healthy = null;
            flaky = await Sim.StartAsync("flaky", "--error-rate", "0.5", "--listen", address);
            var alert = await receiver.WaitForAsync("monitor", TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await traffic;

            Assert.Equal("svc", alert["deployment"]!.GetValue<string>());
            Assert.Equal("error_rate", alert["evidence"]!["signal"]!.GetValue<string>());
            Assert.Equal(1, alert["evidence"]!["version"]!.GetValue<int>());
            Assert.True(alert["evidence"]!["value"]!.GetValue<double>() >= alert["evidence"]!["threshold"]!.GetValue<double>());
            Assert.Equal(43_200, alert["evidence"]!["threshold"]!.GetValue<double>());
            var judged = alert["evidence"]!["signals"]!["error_rate"]!;
            Assert.True(judged["events"]!.GetValue<long>() > 0 && judged["reference_trials"]!.GetValue<long>() > 0, judged.ToJsonString());
            Assert.Contains("Routing was not changed", alert["summary"]!.GetValue<string>(), StringComparison.Ordinal);

            Assert.Equal(routingBefore, (await Svc.RoutingAsync(http)).ToJsonString());
            var audit = await http.GetFromJsonAsync<JsonNode>("api/v1/audit", Ct);
            var actions = audit!["entries"]!.AsArray().Select(e => e!["action"]!.GetValue<string>()).ToList();
            Assert.Contains("monitor.apply", actions);
            Assert.DoesNotContain(actions, a => a.StartsWith("routing.", StringComparison.Ordinal) || a.StartsWith("rollback", StringComparison.Ordinal) || a.StartsWith("rollout.", StringComparison.Ordinal));

            var status = await server.CliAsync("monitor", "status", "svc");
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Contains("last alarm", status.Stdout, StringComparison.Ordinal);
            Assert.Contains("on error_rate of version 1", status.Stdout, StringComparison.Ordinal);
            var all = JsonNode.Parse((await server.CliAsync("monitor", "status", "--output", "json")).Stdout)!;
            Assert.Equal(1, all["monitors"]!.AsArray().Single()!["alarms"]!.GetValue<int>());
        }
        finally
        {
            flaky?.Dispose();
            healthy?.Dispose();
        }
    }

    [Fact]
    public async Task MonitorApi_MalformedOrMisplaced_ClearErrors()
    {
        using var dir = new TempDir();
        using var sim = await Sim.StartAsync("healthy");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, sim.Url, sim.Url);
        using var http = server.CreateHttpClient();

        var bad = await http.PutAsync("api/v1/deployments/svc/monitor", new StringContent("kind: Monitor\ndeployment: svc\nsignals: [shadow_agreement]\n"), Ct);
        var other = await http.PutAsync("api/v1/deployments/ghost/monitor", new StringContent("kind: Monitor\ndeployment: ghost\nsignals: [error_rate]\n"), Ct);
        var mismatch = await http.PutAsync("api/v1/deployments/svc/monitor", new StringContent("kind: Monitor\ndeployment: other\nsignals: [error_rate]\n"), Ct);
        var none = await http.GetAsync("api/v1/deployments/svc/monitor", Ct);
        var cli = await server.CliAsync("apply", "-f", dir.Write("m.yaml", "kind: Monitor\ndeployment: svc\nsignals: [error_rate]\nbatch: soon\n"));
        var cliStatus = await server.CliAsync("monitor", "status", "svc");

        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("signals[0]", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(404, (int)other.StatusCode);
        Assert.Contains("deployment_not_found", await other.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(400, (int)mismatch.StatusCode);
        Assert.Equal(404, (int)none.StatusCode);
        Assert.Contains("monitor_not_found", await none.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("m.yaml: document 0: batch: 'soon' is not a duration", cli.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, cliStatus.ExitCode);
        Assert.Contains("has no monitor", cliStatus.Stderr, StringComparison.Ordinal);
    }

    /// <summary>svc's monitor for tests: 2 s batches, 10 s of learning, no seasonality, a false alarm every day on average.</summary>
    internal static string Manifest(string alerts) => $"""
        kind: Monitor
        deployment: svc
        signals: [error_rate, timeout_rate]
        false_alarm_every: 1d
        batch: 2s
        learn: 10s
        baseline: 1h
        seasonality: none
        alerts: [ {"{"} webhook: {alerts} {"}"} ]
        """;

    private static async Task DriveAsync(HttpClient http, CancellationToken stop)
    {
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
                {
                    using var response = await Svc.ChatAsync(http, "k" + Interlocked.Increment(ref n));
                }));
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
            {
                // Stopping, or the upstream was being swapped: the gateway's answer is what counts, not the client's.
            }
        }
    }

    /// <summary>svc's monitor once <paramref name="condition"/> holds, asking every 200 ms; throws with the last answer after <paramref name="limit"/>.</summary>
    internal static async Task<JsonNode> WaitForAsync(HttpClient http, Func<JsonNode, bool> condition, TimeSpan limit)
    {
        JsonNode? last = null;
        for (var until = DateTimeOffset.UtcNow + limit; DateTimeOffset.UtcNow < until;)
        {
            last = await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/monitor", Ct);
            if (condition(last!))
            {
                return last!;
            }

            await Task.Delay(200, Ct);
        }

        throw new TimeoutException($"the monitor did not get there in {limit}: {last?.ToJsonString()}");
    }
}
