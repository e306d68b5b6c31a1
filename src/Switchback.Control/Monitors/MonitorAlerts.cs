using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Control.Alerts;
using Switchback.Core.Monitors;

namespace Switchback.Control.Monitors;

/// <summary>The alert of a monitor's alarm: kind <c>monitor</c>, one sentence, and the evidence of every signal.</summary>
internal static class MonitorAlerts
{
    public static AlertMessage Message(MonitorSpec spec, MonitorAlarm alarm)
    {
        var main = alarm.Signals[alarm.Signal];
        var above = alarm.Thresholds.TryGetValue(alarm.Signal, out var t) ? string.Create(CultureInfo.InvariantCulture, $" above {t:G4}") : string.Empty;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{spec.Deployment}@{alarm.Version}: {alarm.Signal} drifted from its own past: {main.Events} of {main.Trials}{above} ({Percent(main.Events, main.Trials)}) in the last {MonitorSpec.Format(spec.Batch)} vs {main.ReferenceEvents} of {main.ReferenceTrials} ({Percent(main.ReferenceEvents, main.ReferenceTrials)}) before; "
            + $"statistic {alarm.Statistic:G4} ≥ {alarm.Threshold:G6} (a false alarm every {MonitorSpec.Format(spec.FalseAlarmEvery)} on average). Routing was not changed: a person decides.");
        return new AlertMessage("monitor", spec.Deployment, null, summary, Evidence(spec, alarm), alarm.At);
    }

    public static JsonObject Evidence(MonitorSpec spec, MonitorAlarm alarm) => new()
    {
        ["signal"] = alarm.Signal,
        ["version"] = alarm.Version,
        ["statistic"] = "e-cusum",
        ["value"] = alarm.Statistic,
        ["threshold"] = alarm.Threshold,
        ["false_alarm_every"] = MonitorSpec.Format(spec.FalseAlarmEvery),
        ["batch"] = MonitorSpec.Format(spec.Batch),
        ["seasonality"] = spec.Seasonality == MonitorSeasonality.Daily ? "daily" : "none",
        ["signals"] = JsonSerializer.SerializeToNode(alarm.Signals, Admin.AdminJson.Options),
        ["thresholds"] = JsonSerializer.SerializeToNode(alarm.Thresholds, Admin.AdminJson.Options),
    };

    private static string Percent(long events, long trials)
        => trials == 0 ? "no data" : ((double)events / trials).ToString("P2", CultureInfo.InvariantCulture);
}
