using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchback.FunctionalTests.Prometheus;

/// <summary>
/// /metrics as real Prometheus tooling sees it: promtool's linter, a real Prometheus scraping a running server, the shipped alert
/// rules under promtool's rule tests, and the shipped Grafana board's queries against the names the server exposes.
/// </summary>
public sealed partial class PrometheusTests(FlakyCanary canary) : IClassFixture<FlakyCanary>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_AfterCanaryTraffic_PromtoolCheckMetricsIsClean()
    {
        // The phase gauge is the leader's list as of its last tick: wait for it (at most 10 s) rather than read it once.
        const string Progressing = "switchback_rollout_phase{deployment=\"svc\",phase=\"progressing\",reason=\"none\"} 1\n";
        var text = await ScrapeAsync();
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !text.Contains(Progressing, StringComparison.Ordinal) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(200, Ct);
            text = await ScrapeAsync();
        }

        var (exitCode, output) = await Promtool.RunAsync(Promtool.RepoRoot, text, "check", "metrics");

        Assert.True(exitCode == 0 && output.Length == 0, $"promtool check metrics (exit {exitCode}):\n{output}");
        Assert.Contains("switchback_requests_total{deployment=\"svc\",version=\"2\",outcome=\"http_5xx\"}", text, StringComparison.Ordinal);
        Assert.True(
            text.Contains(Progressing, StringComparison.Ordinal),
            "phase lines: " + string.Join(" | ", text.Split('\n').Where(l => l.StartsWith("switchback_rollout_phase", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task RealPrometheus_ScrapesCanary_CandidateErrorRateMatchesGatewayCounts()
    {
        await using var prometheus = await PrometheusServer.StartAsync(canary.Target);
        using var http = canary.Server.CreateHttpClient();
        // Traffic while Prometheus scrapes every second, so it sees the counters grow.
        await prometheus.WaitForValueAsync("up{job=\"switchback\"}", v => v == 1, TimeSpan.FromSeconds(30));
        await FlakyCanary.SendAsync(http, 200, "scraped");

        // The gateway's own lifetime counts of the candidate, then the same ratio computed by PromQL once Prometheus has them.
        var samples = Samples(await ScrapeAsync());
        var ok = samples["switchback_requests_total{deployment=\"svc\",version=\"2\",outcome=\"ok\"}"];
        var total = samples.Where(s => s.Key.StartsWith("switchback_requests_total{deployment=\"svc\",version=\"2\",", StringComparison.Ordinal)).Sum(s => s.Value);
        var counted = (total - ok) / total;
        var fromPrometheus = await prometheus.WaitForValueAsync(
            "sum(switchback_requests_total{deployment=\"svc\",version=\"2\",outcome!=\"ok\"}) / sum(switchback_requests_total{deployment=\"svc\",version=\"2\"})",
            v => Math.Abs(v - counted) < 1e-9,
            TimeSpan.FromSeconds(30));
        var windowRate = await prometheus.WaitForValueAsync(
            "switchback_signal{deployment=\"svc\",version=\"2\",signal=\"error_rate\"}", v => v > 0, TimeSpan.FromSeconds(30));
        var stableErrors = await prometheus.QueryAsync("switchback_requests_total{deployment=\"svc\",version=\"1\",outcome=\"http_5xx\"}");
        var phase = await prometheus.QueryAsync("switchback_rollout_phase{deployment=\"svc\"}");

        // The candidate's breaker may hold it back for a while on a loaded machine (a fresh-clone run saw 25 of ~400 requests
        // reach it), so its counts vary; what this test is about is Prometheus agreeing with the gateway's own counts (above).
        Assert.InRange(total, 10, 400);
        Assert.InRange(fromPrometheus, 0.1, 0.9); // the simulator fails 40 % of requests
        Assert.InRange(windowRate, 0.05, 0.95);
        Assert.Equal("0", (string?)stableErrors.Single()!["value"]![1]);
        Assert.Equal("progressing", (string?)phase.Single()!["metric"]!["phase"]);
    }

    [Fact]
    public async Task AlertRules_PromtoolCheckAndUnitTestsPass()
    {
        var dir = Path.Combine(Promtool.RepoRoot, "deploy", "prometheus");

        var check = await Promtool.RunAsync(dir, null, "check", "rules", "alerts.yaml");
        var test = await Promtool.RunAsync(dir, null, "test", "rules", "alerts.test.yaml");

        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("SUCCESS: 5 rules found", check.Output, StringComparison.Ordinal);
        Assert.True(test.ExitCode == 0, test.Output);
    }

    [Fact]
    public async Task AlertRules_BrokenRule_PromtoolTestFails()
    {
        // The rule tests can fail: a lag threshold moved past the tested series is caught.
        var dir = Directory.CreateTempSubdirectory("switchback-rules-").FullName;
        try
        {
            var source = Path.Combine(Promtool.RepoRoot, "deploy", "prometheus");
            File.Copy(Path.Combine(source, "alerts.test.yaml"), Path.Combine(dir, "alerts.test.yaml"));
            var rules = await File.ReadAllTextAsync(Path.Combine(source, "alerts.yaml"), Ct);
            Assert.Contains("switchback_replica_signal_lag_seconds) > 30\n", rules, StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(dir, "alerts.yaml"), rules.Replace("switchback_replica_signal_lag_seconds) > 30\n", "switchback_replica_signal_lag_seconds) > 60\n", StringComparison.Ordinal), Ct);

            var test = await Promtool.RunAsync(dir, null, "test", "rules", "alerts.test.yaml");

            Assert.NotEqual(0, test.ExitCode);
            Assert.Contains("SwitchbackReplicaLagging", test.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task GrafanaBoard_EveryQueryNamesOnlyExposedMetrics()
    {
        var board = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Promtool.RepoRoot, "deploy", "grafana", "switchback.json"), Ct))!;
        var exposed = ExposedNames(await ScrapeAsync());

        var queries = board["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => (string)t!["expr"]!)
            .Concat(board["templating"]!["list"]!.AsArray().Where(v => (string?)v!["type"] == "query").Select(v => (string)v!["query"]!["query"]!))
            .ToList();
        var named = queries.SelectMany(q => MetricName().Matches(q).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);

        Assert.True(queries.Count >= 10, $"only {queries.Count} queries");
        Assert.All(queries, q => Assert.Matches(MetricName(), q));
        Assert.Empty(named.Except(exposed));
        Assert.Superset(new HashSet<string>(["switchback_routing_weight", "switchback_requests_total", "switchback_request_duration_seconds_bucket", "switchback_signal", "switchback_rollbacks_total", "switchback_rollout_phase"]), named);
        Assert.DoesNotContain("switchback_no_such_metric", exposed);
    }

    private async Task<string> ScrapeAsync()
    {
        using var anonymous = canary.Server.CreateHttpClient(apiKey: null);
        return await anonymous.GetStringAsync("metrics", Ct);
    }

    /// <summary>Every sample name and every family named by a TYPE line (a family without samples yet is still exposed).</summary>
    private static HashSet<string> ExposedNames(string text)
        => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.StartsWith("# TYPE ", StringComparison.Ordinal) ? l.Split(' ')[2] : l.StartsWith('#') ? null : l[..l.IndexOfAny(['{', ' '])])
            .OfType<string>().SelectMany(n => new[] { n, n + "_bucket", n + "_sum", n + "_count" }.Take(n.EndsWith("_seconds", StringComparison.Ordinal) ? 4 : 1))
            .ToHashSet(StringComparer.Ordinal);

    private static Dictionary<string, double> Samples(string text)
        => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))
            .Select(l => (Key: l[..l.LastIndexOf(' ')], Value: double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)))
            .ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);

    [GeneratedRegex(@"\bswitchback_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
