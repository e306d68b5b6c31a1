using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using Switchback.Core.Rollouts;

namespace Switchback.Core.Monitors;

/// <summary>
/// A validated <c>kind: Monitor</c> document (docs/manifests.md "monitors"): which rate signals of the deployment's stable
/// version are watched for drift against that version's own recent past, and the false-alarm run length the detector keeps.
/// </summary>
/// <param name="Deployment">The deployment whose stable version is watched.</param>
/// <param name="Signals">The watched signals, each named as in guardrails, no duplicates.</param>
/// <param name="FalseAlarmEvery">The stated average run length to a false alarm on unchanged data.</param>
/// <param name="Batch">How much data each step of the detector judges; one e-value per signal per batch.</param>
/// <param name="Baseline">How far back the version's own past is remembered for comparison.</param>
/// <param name="Learn">How much of the version's own past is needed before any batch is judged.</param>
/// <param name="Seasonality">Which part of the past each batch is compared with.</param>
/// <param name="Alerts">Where alarms go.</param>
public sealed record MonitorSpec(
    string Deployment,
    ImmutableArray<string> Signals,
    TimeSpan FalseAlarmEvery,
    TimeSpan Batch,
    TimeSpan Baseline,
    TimeSpan Learn,
    MonitorSeasonality Seasonality,
    ImmutableArray<AlertTarget> Alerts)
{
    /// <summary>The default <see cref="FalseAlarmEvery"/>: 30 days.</summary>
    public static readonly TimeSpan DefaultFalseAlarmEvery = TimeSpan.FromDays(30);

    /// <summary>The default <see cref="Batch"/>: one minute.</summary>
    public static readonly TimeSpan DefaultBatch = TimeSpan.FromMinutes(1);

    /// <summary>The default <see cref="Baseline"/>: seven days.</summary>
    public static readonly TimeSpan DefaultBaseline = TimeSpan.FromDays(7);

    /// <summary>
    /// The alarm threshold A on the mean of the detector statistics: the number of batches in <see cref="FalseAlarmEvery"/>,
    /// so that the expected number of batches to a false alarm is at least A (docs/statistics.md).
    /// </summary>
    public double Threshold => FalseAlarmEvery / Batch;

    /// <summary>
    /// The quantile a distribution signal watches (0.95 for <c>latency_p95</c>, the median for <c>response_length</c>), or null
    /// for a rate: a quantile signal is watched as the share of requests above a threshold fixed from the version's own data.
    /// </summary>
    public static double? QuantileOf(string signal)
        => Rollouts.Signals.KindOf(signal) == SignalKind.Quantile ? Rollouts.Signals.QuantileOf(signal) : null;

    /// <summary>The spec as a manifest document (JSON), every default written out: what is sent, stored and shown.</summary>
    public JsonObject ToJson()
    {
        var alerts = new JsonArray();
        foreach (var alert in Alerts)
        {
            alerts.Add(new JsonObject { ["webhook"] = alert.Webhook.ToString(), ["slack"] = alert.Slack });
        }

        return new JsonObject
        {
            ["kind"] = "Monitor",
            ["deployment"] = Deployment,
            ["signals"] = new JsonArray([.. Signals.Select(s => (JsonNode)JsonValue.Create(s))]),
            ["false_alarm_every"] = Format(FalseAlarmEvery),
            ["batch"] = Format(Batch),
            ["baseline"] = Format(Baseline),
            ["learn"] = Format(Learn),
            ["seasonality"] = Seasonality == MonitorSeasonality.Daily ? "daily" : "none",
            ["alerts"] = alerts,
        };
    }

    /// <summary>A duration the manifest reader accepts back, e.g. <c>1d2h</c> or <c>90s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        var parts = new System.Text.StringBuilder();
        foreach (var (unit, size) in new[] { ("d", 86_400L), ("h", 3_600L), ("m", 60L), ("s", 1L) })
        {
            if (seconds >= size)
            {
                parts.Append((seconds / size).ToString(CultureInfo.InvariantCulture)).Append(unit);
                seconds %= size;
            }
        }

        return parts.Length == 0 ? "0s" : parts.ToString();
    }
}
