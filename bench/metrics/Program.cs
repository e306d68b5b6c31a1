using System.Diagnostics;
using System.Globalization;
using Prometheus;
using Switchback.Core.Routing;
using Switchback.Gateway.Metrics;
using Switchback.Gateway.Signals;

// Is /metrics better served by prometheus-net than by the hand-written exposition? Both expose the same families for the same
// state (DEPLOYMENTS deployments x 3 versions, each with traffic in its signal ring): the hand-written one reads the state at
// scrape time; prometheus-net has to be fed, so its port counts and observes on the request path (on top of the signal
// rings the guardrails need anyway) and sets the window gauges in a before-collect callback. Measured single-threaded with
// Stopwatch and GC.GetAllocatedBytesForCurrentThread after a warm-up. Usage: dotnet run -c Release [-- scrapes [deployments]].
var scrapes = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 300;
var deployments = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var d) && d > 0 ? d : 50;
const int VersionsPer = 3;

var time = TimeProvider.System;
var signals = new SignalRegistry(time, new SignalOptions { CounterNames = [.. GatewayCounters.All] });
var routing = new RoutingTableHolder(new RoutingTable(Enumerable.Range(0, deployments).Select(i => new RoutingState(Name(i), 2, 3, 1_000))));
var rollbacks = new RollbackMetrics();
var handWritten = new PrometheusExposition(signals, routing, rollbacks, []);

// The prometheus-net port of the same families.
var registry = Prometheus.Metrics.NewCustomRegistry();
var factory = Prometheus.Metrics.WithCustomRegistry(registry);
var requests = factory.CreateCounter("switchback_requests_total", "Requests forwarded to a version, by outcome.", ["deployment", "version", "outcome"]);
var durations = factory.CreateHistogram("switchback_request_duration_seconds", "Time to the last byte of successful requests, in seconds.",
    new HistogramConfiguration { LabelNames = ["deployment", "version"], Buckets = [.. LifetimeTotals.BucketBoundsSeconds] });
var signalGauge = factory.CreateGauge("switchback_signal", "Live per-version signals over the last 60 s.", ["deployment", "version", "signal"]);
var weights = factory.CreateGauge("switchback_routing_weight", "Share of a deployment's traffic routed to a version, in percent.", ["deployment", "version"]);
var rollbackCounter = factory.CreateCounter("switchback_rollbacks_total", "Rollbacks performed, by deployment and trigger.", ["deployment", "trigger"]);
registry.AddBeforeCollectCallback(() =>
{
    foreach (var v in signals.Deployments.SelectMany(signals.Versions))
    {
        var w = v.AggregateLast(PrometheusExposition.SignalWindow);
        var version = v.Version.ToString(CultureInfo.InvariantCulture);
        signalGauge.WithLabels(v.Deployment, version, "requests").Set(w.Requests);
        signalGauge.WithLabels(v.Deployment, version, "error_rate").Set(w.ErrorRate);
        signalGauge.WithLabels(v.Deployment, version, "timeout_rate").Set(w.TimeoutRate);
        signalGauge.WithLabels(v.Deployment, version, "upstream_oom").Set(w.Errors.Oom);
        signalGauge.WithLabels(v.Deployment, version, "latency_p50").Set((w.Latency.P50 ?? double.NaN) / 1000);
        signalGauge.WithLabels(v.Deployment, version, "latency_p95").Set((w.Latency.P95 ?? double.NaN) / 1000);
        signalGauge.WithLabels(v.Deployment, version, "latency_p99").Set((w.Latency.P99 ?? double.NaN) / 1000);
        signalGauge.WithLabels(v.Deployment, version, "tokens_in").Set(w.TokensIn);
        signalGauge.WithLabels(v.Deployment, version, "tokens_out").Set(w.TokensOut);
        signalGauge.WithLabels(v.Deployment, version, "shadow_requests").Set(w.Counters.GetValueOrDefault(GatewayCounters.ShadowRequests));
        signalGauge.WithLabels(v.Deployment, version, "shadow_dropped").Set(w.Counters.GetValueOrDefault(GatewayCounters.ShadowDropped));
        signalGauge.WithLabels(v.Deployment, version, "circuit_open").Set(w.Counters.GetValueOrDefault(GatewayCounters.CircuitOpen));
    }

    foreach (var state in routing.Current.States)
    {
        weights.WithLabels(state.Deployment, state.StableVersion.ToString(CultureInfo.InvariantCulture)).Set(90);
        weights.WithLabels(state.Deployment, state.CandidateVersion!.Value.ToString(CultureInfo.InvariantCulture)).Set(10);
    }

    foreach (var (deployment, trigger, count) in rollbacks.Snapshot())
    {
        rollbackCounter.WithLabels(deployment, trigger).IncTo(count);
    }
});

var random = new Random(14);
string[] outcomes = ["ok", "http_5xx", "timeout", "connect_error", "oom"];
void Request(VersionSignals v, bool alsoPrometheusNet)
{
    var latency = 20 + random.NextDouble() * 400;
    var outcome = random.NextDouble() < 0.05 ? RequestOutcome.Http5xx : RequestOutcome.Ok;
    v.Record(new RequestSample(latency, outcome, 200, 80));
    if (alsoPrometheusNet)
    {
        var version = v.Version.ToString(CultureInfo.InvariantCulture);
        requests.WithLabels(v.Deployment, version, outcomes[(int)outcome]).Inc();
        if (outcome == RequestOutcome.Ok)
        {
            durations.WithLabels(v.Deployment, version).Observe(latency / 1000);
        }
    }
}

var all = Enumerable.Range(0, deployments).SelectMany(i => Enumerable.Range(1, VersionsPer).Select(v => signals.Get(Name(i), v))).ToArray();
foreach (var v in all)
{
    for (var i = 0; i < 200; i++)
    {
        Request(v, alsoPrometheusNet: true);
    }

    v.AddCounter(v.CounterIndex(GatewayCounters.CircuitOpen));
    rollbacks.Record(v.Deployment, "guardrail");
}

Console.WriteLine($"{deployments} deployments x {VersionsPer} versions, {scrapes} scrapes each, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
var handText = handWritten.Write();
using var buffer = new MemoryStream();
await registry.CollectAndExportAsTextAsync(buffer);
Console.WriteLine($"exposition size: hand-written {handText.Length:N0} chars, {handText.Count(c => c == '\n'):N0} lines; prometheus-net {buffer.Length:N0} bytes");
Console.WriteLine($"{"what",-62} {"us/op",10} {"KiB/op",9}");
Measure("scrape: hand-written PrometheusExposition.Write", scrapes, () => handWritten.Write().Length);
Measure("scrape: prometheus-net before-collect callback + text export", scrapes, () =>
{
    buffer.Position = 0;
    buffer.SetLength(0);
    registry.CollectAndExportAsTextAsync(buffer).GetAwaiter().GetResult();
    return buffer.Length;
});
Measure("  of which: AggregateLast(60 s) of every version", scrapes, () => signals.Deployments.SelectMany(signals.Versions).Sum(v => v.AggregateLast(PrometheusExposition.SignalWindow).Requests));
var next = 0;
Measure("request path: VersionSignals.Record (both)", 200_000, () =>
{
    Request(all[next++ % all.Length], alsoPrometheusNet: false);
    return 1;
});
Measure("request path: VersionSignals.Record + prometheus-net Inc/Observe", 200_000, () =>
{
    Request(all[next++ % all.Length], alsoPrometheusNet: true);
    return 1;
});

static string Name(int i) => "deployment-" + i.ToString("D2", CultureInfo.InvariantCulture);

static void Measure(string name, int iterations, Func<long> op)
{
    long sink = 0;
    for (var i = 0; i < Math.Max(10, iterations / 10); i++)
    {
        sink += op();
    }

    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < iterations; i++)
    {
        sink += op();
    }

    watch.Stop();
    var kib = (GC.GetAllocatedBytesForCurrentThread() - allocated) / 1024.0 / iterations;
    Console.WriteLine($"{name,-62} {watch.Elapsed.TotalMicroseconds / iterations,10:N1} {kib,9:N1}   (checksum {sink})");
}
