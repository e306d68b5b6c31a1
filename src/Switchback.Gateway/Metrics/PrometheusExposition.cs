using System.Globalization;
using System.Text;
using Switchback.Core.Routing;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Metrics;

/// <summary>
/// Writes the Prometheus text exposition (format 0.0.4) of PRODUCT.md §6 from state the gateway already keeps: the
/// lifetime totals and signal rings of <see cref="SignalRegistry"/>, the routing snapshot and <see cref="RollbackMetrics"/>.
/// Written by hand rather than through OpenTelemetry instruments because every value already exists; observable
/// instruments would add a second registry and a dependency for a read-only view, and the request path stays untouched
/// either way. All work happens at scrape time. Thread-safe.
/// </summary>
public sealed class PrometheusExposition
{
    private readonly SignalRegistry signals;
    private readonly RoutingTableHolder routing;
    private readonly RollbackMetrics rollbacks;
    private readonly IEnumerable<IMetricsContributor> contributors;

    internal PrometheusExposition(SignalRegistry signals, RoutingTableHolder routing, RollbackMetrics rollbacks, IEnumerable<IMetricsContributor> contributors)
    {
        this.signals = signals;
        this.routing = routing;
        this.rollbacks = rollbacks;
        this.contributors = contributors;
    }

    /// <summary>The window of the <c>switchback_signal</c> gauges.</summary>
    public static readonly TimeSpan SignalWindow = TimeSpan.FromSeconds(60);

    private static readonly (RequestOutcome Outcome, string Label)[] Outcomes =
    [
        (RequestOutcome.Ok, "ok"), (RequestOutcome.Http5xx, "http_5xx"), (RequestOutcome.Timeout, "timeout"),
        (RequestOutcome.Connect, "connect_error"), (RequestOutcome.Oom, "oom"),
    ];

    // The le label of every bucket, +Inf last.
    private static readonly string[] BucketLabels = [.. LifetimeTotals.BucketBoundsSeconds.Select(Number), "+Inf"];

    /// <summary>The exposition text.</summary>
    public string Write()
    {
        var versions = signals.Deployments.OrderBy(d => d, StringComparer.Ordinal).SelectMany(signals.Versions).ToList();
        var text = new StringBuilder();
        Requests(text, versions);
        Durations(text, versions);
        Signals(text, versions);
        Weights(text);
        Rollbacks(text);
        foreach (var contributor in contributors)
        {
            contributor.WriteTo(text);
        }

        return text.ToString();
    }

    private static void Requests(StringBuilder text, List<VersionSignals> versions)
    {
        Header(text, "switchback_requests_total", "counter", "Requests forwarded to a version (mirrored shadow requests included), by outcome.");
        foreach (var v in versions)
        {
            foreach (var (outcome, label) in Outcomes)
            {
                Line(text, "switchback_requests_total", v, v.Lifetime.Count(outcome), "outcome", label);
            }
        }
    }

    private static void Durations(StringBuilder text, List<VersionSignals> versions)
    {
        Header(text, "switchback_request_duration_seconds", "histogram", "Time to the last byte of successful requests, in seconds.");
        foreach (var v in versions)
        {
            var buckets = v.Lifetime.CumulativeBuckets();
            for (var i = 0; i < buckets.Length; i++)
            {
                                Line(text, "switchback_request_duration_seconds_bucket", v, buckets[i], "le", BucketLabels[i]);
            }

            Line(text, "switchback_request_duration_seconds_sum", v, v.Lifetime.LatencySumSeconds);
            Line(text, "switchback_request_duration_seconds_count", v, buckets[^1]);
        }
    }

    private void Signals(StringBuilder text, List<VersionSignals> versions)
    {
        Header(text, "switchback_signal", "gauge", "Live per-version signals over the last 60 s (rates 0..1, latencies in seconds, counts).");
        foreach (var v in versions)
        {
            var s = v.AggregateLast(SignalWindow);
            var compared = s.Counters.GetValueOrDefault(GatewayCounters.ShadowCompared);
            (string, double?)[] values =
            [
                ("requests", s.Requests),
                ("error_rate", s.ErrorRate),
                ("timeout_rate", s.TimeoutRate),
                ("upstream_oom", s.Errors.Oom),
                ("latency_p50", s.Latency.P50 / 1000),
                ("latency_p95", s.Latency.P95 / 1000),
                ("latency_p99", s.Latency.P99 / 1000),
                ("tokens_in", s.TokensIn),
                ("tokens_out", s.TokensOut),
                ("thumbs_down_rate", s.Feedback.ThumbsDownRate),
                ("escalation_rate", s.Feedback.EscalationRate),
                ("shadow_requests", s.Counters.GetValueOrDefault(GatewayCounters.ShadowRequests)),
                ("shadow_dropped", s.Counters.GetValueOrDefault(GatewayCounters.ShadowDropped)),
                ("shadow_agreement", compared == 0 ? null : s.Counters.GetValueOrDefault(GatewayCounters.ShadowAgreementMicros) / 1e6 / compared),
                ("shadow_exact_match_rate", compared == 0 ? null : (double)s.Counters.GetValueOrDefault(GatewayCounters.ShadowExactMatch) / compared),
                ("circuit_open", s.Counters.GetValueOrDefault(GatewayCounters.CircuitOpen)),
            ];
            // A value that is undefined in this window (a percentile without requests, a rate without feedback) is left out.
            foreach (var (name, value) in values)
            {
                if (value is { } known)
                {
                    Line(text, "switchback_signal", v, known, "signal", name);
                }
            }
        }
    }

    private void Weights(StringBuilder text)
    {
        Header(text, "switchback_routing_weight", "gauge", "Share of a deployment's traffic routed to a version, in percent (0..100).");
        foreach (var state in routing.Current.States.OrderBy(s => s.Deployment, StringComparer.Ordinal))
        {
            var candidate = state.CandidateVersion is null ? 0 : state.CandidateWeightBps;
            Line(text, "switchback_routing_weight", state.Deployment, state.StableVersion, (RoutingState.FullBps - candidate) / 100.0);
            if (state.CandidateVersion is { } c)
            {
                Line(text, "switchback_routing_weight", state.Deployment, c, candidate / 100.0);
            }
        }
    }

    private void Rollbacks(StringBuilder text)
    {
        Header(text, "switchback_rollbacks_total", "counter", "Rollbacks performed, by deployment and trigger.");
        foreach (var (deployment, trigger, count) in rollbacks.Snapshot().OrderBy(r => r.Deployment, StringComparer.Ordinal).ThenBy(r => r.Trigger, StringComparer.Ordinal))
        {
            Line(text, "switchback_rollbacks_total", $"deployment=\"{Escape(deployment)}\",trigger=\"{Escape(trigger)}\"", count);
        }
    }

    /// <summary>Writes one gauge family: HELP, TYPE and a sample per label set (label values are escaped here).</summary>
    public static void Gauge(StringBuilder text, string name, string help, IEnumerable<(IReadOnlyList<(string Name, string Value)> Labels, double Value)> samples)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(samples);
        Header(text, name, "gauge", help);
        foreach (var (labels, value) in samples)
        {
            Line(text, name, string.Join(',', labels.Select(l => $"{l.Name}=\"{Escape(l.Value)}\"")), value);
        }
    }

    private static void Header(StringBuilder text, string name, string type, string help)
        => text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    // Samples are appended piece by piece, never through an interpolated label string: at 50 deployments x 3 versions that
    // cut a scrape's allocation from 5.5 to 3.7 MB (bench/metrics; docs/observability.md "Prometheus").
    private static void Line(StringBuilder text, string name, string labels, double value)
        => Value(text.Append(name).Append('{').Append(labels).Append("} "), value);

    private static void Line(StringBuilder text, string name, VersionSignals v, double value, string? extraName = null, string? extraValue = null)
        => Line(text, name, v.Deployment, v.Version, value, extraName, extraValue);

    private static void Line(StringBuilder text, string name, string deployment, int version, double value, string? extraName = null, string? extraValue = null)
    {
        text.Append(name).Append("{deployment=\"");
        Escaped(text, deployment).Append("\",version=\"").Append(version).Append('"');
        if (extraName is not null)
        {
            text.Append(',').Append(extraName).Append("=\"");
            Escaped(text, extraValue!).Append('"');
        }

        Value(text.Append("} "), value);
    }

    private static void Value(StringBuilder text, double value)
    {
        _ = value switch
        {
            double.PositiveInfinity => text.Append("+Inf"),
            double.NegativeInfinity => text.Append("-Inf"),
            double.NaN => text.Append("NaN"),
            // Most samples are counts: integers print without the floating-point formatter. Doubles print shortest round-trip.
            _ when Math.Abs(value) < 1e15 && value == Math.Floor(value) => text.Append((long)value),
            _ => text.Append(CultureInfo.InvariantCulture, $"{value}"),
        };
        text.Append('\n');
    }

    private static StringBuilder Escaped(StringBuilder text, string value)
        => value.AsSpan().IndexOfAny('\\', '"', '\n') < 0 ? text.Append(value) : text.Append(Escape(value));

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
