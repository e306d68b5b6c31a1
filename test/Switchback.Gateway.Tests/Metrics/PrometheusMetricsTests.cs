using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchback.Core.Routing;
using Switchback.Gateway.Metrics;
using Switchback.Gateway.Tests.Hosting;

namespace Switchback.Gateway.Tests.Metrics;

public sealed class PrometheusMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Names =
    [
        "switchback_requests_total", "switchback_request_duration_seconds_bucket", "switchback_request_duration_seconds_sum",
        "switchback_request_duration_seconds_count", "switchback_signal", "switchback_routing_weight", "switchback_rollbacks_total",
        "switchback_response_owners",
    ];

    [Fact]
    public async Task Metrics_AfterTraffic_ExposesExactCountsUnderProductNames()
    {
        await using var good = await RecordingUpstream.StartAsync();
        await using var bad = await RecordingUpstream.StartAsync(c =>
        {
            c.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(good.BaseAddress, "a"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(good.BaseAddress, "b"));
            await GatewayHost.RegisterAsync(store, "broken", GatewayHost.Bundle(bad.BaseAddress));
        });
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 2_500));
        for (var i = 0; i < 3; i++)
        {
            using var ok = await host.Client.SendAsync(GatewayHost.Chat("svc@1", bearer: await host.CreateKeyAsync(Core.Access.Role.Operator)), Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            using var failed = await host.Client.SendAsync(GatewayHost.Chat("broken"), Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        var rollbacks = host.Services.GetRequiredService<RollbackMetrics>();
        rollbacks.Record("svc", "guardrail");
        rollbacks.Record("svc", "guardrail");
        rollbacks.Record("svc", "manual");

        using var response = await host.Client.GetAsync("/metrics", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var samples = Parse(text);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(3, samples["switchback_requests_total{deployment=\"svc\",version=\"1\",outcome=\"ok\"}"]);
        Assert.Equal(0, samples["switchback_requests_total{deployment=\"svc\",version=\"1\",outcome=\"http_5xx\"}"]);
        Assert.Equal(2, samples["switchback_requests_total{deployment=\"broken\",version=\"1\",outcome=\"http_5xx\"}"]);
        Assert.Equal(0, samples["switchback_requests_total{deployment=\"broken\",version=\"1\",outcome=\"ok\"}"]);
        Assert.Equal(3, samples["switchback_request_duration_seconds_count{deployment=\"svc\",version=\"1\"}"]);
        Assert.Equal(3, samples["switchback_request_duration_seconds_bucket{deployment=\"svc\",version=\"1\",le=\"+Inf\"}"]);
        Assert.Equal(0, samples["switchback_request_duration_seconds_count{deployment=\"broken\",version=\"1\"}"]);
        Assert.Equal(3, samples["switchback_signal{deployment=\"svc\",version=\"1\",signal=\"requests\"}"]);
        Assert.Equal(1, samples["switchback_signal{deployment=\"broken\",version=\"1\",signal=\"error_rate\"}"]);
        Assert.Equal(75, samples["switchback_routing_weight{deployment=\"svc\",version=\"1\"}"]);
        Assert.Equal(25, samples["switchback_routing_weight{deployment=\"svc\",version=\"2\"}"]);
        Assert.Equal(100, samples["switchback_routing_weight{deployment=\"broken\",version=\"1\"}"]);
        Assert.Equal(2, samples["switchback_rollbacks_total{deployment=\"svc\",trigger=\"guardrail\"}"]);
        Assert.Equal(1, samples["switchback_rollbacks_total{deployment=\"svc\",trigger=\"manual\"}"]);
        Assert.Equal(0, samples["switchback_response_owners{counter=\"dropped\"}"]);
        Assert.All(samples.Keys, key => Assert.Contains(key[..key.IndexOf('{', StringComparison.Ordinal)], Names));
        Assert.Contains("# TYPE switchback_request_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE switchback_requests_total counter\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_HistogramBuckets_AreCumulativeAndEndAtCount()
    {
        await using var good = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(good.BaseAddress)));
        for (var i = 0; i < 4; i++)
        {
            using var ok = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);
        }

        var buckets = Parse(await host.Client.GetStringAsync("/metrics", Ct))
            .Where(p => p.Key.StartsWith("switchback_request_duration_seconds_bucket{deployment=\"svc\"", StringComparison.Ordinal))
            .Select(p => p.Value)
            .ToList();

        Assert.Equal(15, buckets.Count);
        Assert.Equal(buckets.Order(), buckets);
        Assert.Equal(4, buckets[^1]);
    }

    private static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(@"^# (HELP|TYPE) switchback_[a-z_]+ .+$", line);
                continue;
            }

            var space = line.LastIndexOf(' ');
            Assert.Matches("""^switchback_[a-z_]+\{([a-z_]+="[^"]*",)*[a-z_]+="[^"]*"\}$""", line[..space]);
            samples.Add(line[..space], double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return samples;
    }
}
