using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Control.Alerts;
using Switchback.Core.Rollouts;

namespace Switchback.Control.Rollouts;

/// <summary>Builds the alert of an <see cref="AlertAction"/>: its kind, message and evidence.</summary>
internal static class RolloutAlerts
{
    public static AlertMessage Message(RolloutState rollout, AlertAction action, DateTimeOffset now)
        => new(JsonNamingPolicy.SnakeCaseLower.ConvertName(action.Kind.ToString()), rollout.Deployment, rollout.Id, action.Message, Evidence(action.Evidence), now);

    public static IReadOnlyList<AlertReceiver> Receivers(RolloutState rollout)
        => [.. rollout.Spec.Alerts.Select(a => new AlertReceiver(a.Webhook, a.Slack))];

    /// <summary>The first breached (else first) guardrail's numbers at the top level, every guardrail under <c>guardrails</c>.</summary>
    public static JsonObject Evidence(ImmutableArray<GuardrailEvidence> evidence)
    {
        var json = new JsonObject();
        var main = evidence.FirstOrDefault(e => e.Breached) ?? evidence.FirstOrDefault();
        if (main is not null)
        {
            json["signal"] = main.Guardrail;
            if (main.Test is { } t)
            {
                json["statistic"] = "e-value";
                json["e_value"] = t.EValue;
                json["threshold"] = t.Threshold;
                json["p_value"] = t.PValue;
                json["counts"] = new JsonObject
                {
                    ["stable"] = t.BaselineRequests,
                    ["stable_events"] = t.BaselineEvents,
                    ["candidate"] = t.CandidateRequests,
                    ["candidate_events"] = t.CandidateEvents,
                };
            }
            else
            {
                json["statistic"] = "count";
                json["events"] = main.Events;
                json["trials"] = main.Trials;
                json["threshold"] = main.Limit;
            }
        }

        json["guardrails"] = JsonSerializer.SerializeToNode(evidence.IsDefault ? [] : evidence, RolloutJson.Options);
        return json;
    }
}
