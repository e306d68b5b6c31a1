using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Core.Manifests;
using Switchback.Core.Monitors;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>A monitor as the API shows it: its spec, its phase, the statistic against the threshold, each signal's evidence, the last alarm.</summary>
internal static class MonitorView
{
    public static JsonObject From(StoredMonitor stored, DateTimeOffset now)
    {
        var spec = (ManifestReader.Read(stored.SpecJson, "stored monitor").Documents.FirstOrDefault() as MonitorManifest)?.Spec;
        var view = new JsonObject
        {
            ["deployment"] = stored.Deployment,
            ["generation"] = stored.Generation,
            ["applied_at"] = stored.AppliedAt,
            ["applied_by"] = stored.AppliedBy,
            ["spec"] = JsonNode.Parse(stored.SpecJson),
        };
        if (spec is null)
        {
            view["phase"] = "invalid";
            return view;
        }

        view["threshold"] = spec.Threshold;
        if (stored.StateJson is null)
        {
            // The leader has not run it yet (it does within a second of leading).
            view["phase"] = "waiting";
            return view;
        }

        var state = MonitorState.Deserialize(stored.StateJson);
        view["phase"] = state.BatchStart - state.Since < spec.Learn ? "learning" : "watching";
        view["version"] = state.Version;
        view["since"] = state.Since;
        view["judging_from"] = state.Since + spec.Learn;
        view["through"] = state.Through;
        view["lag_seconds"] = Math.Max(0, (now - state.Through).TotalSeconds);
        view["statistic"] = MonitorDetector.Statistic(state);
        view["batches_judged"] = state.BatchesJudged;
        view["alarms"] = state.Alarms;
        var signals = new JsonObject();
        foreach (var signal in spec.Signals)
        {
            if (state.Last.TryGetValue(signal, out var judged))
            {
                var node = JsonSerializer.SerializeToNode(judged, AdminJson.Options)!.AsObject();
                node["reference_rate"] = judged.ReferenceTrials == 0 ? null : (double)judged.ReferenceEvents / judged.ReferenceTrials;
                node["rate"] = judged.Trials == 0 ? null : (double)judged.Events / judged.Trials;
                signals[signal] = node;
            }
            else
            {
                signals[signal] = null;
            }
        }

        view["signals"] = signals;
        view["thresholds"] = JsonSerializer.SerializeToNode(state.Thresholds, AdminJson.Options);
        view["last_alarm"] = state.LastAlarm is { } alarm
            ? new JsonObject { ["at"] = alarm.At, ["version"] = alarm.Version, ["signal"] = alarm.Signal, ["statistic"] = alarm.Statistic, ["threshold"] = alarm.Threshold }
            : null;
        return view;
    }
}
