using System.Text.Json.Nodes;

namespace Switchback.Cli.Demo;

/// <summary>The facts of a rollout the controller rolled back: the breached guardrails, their evidence, detection and rollback timings.</summary>
internal static class RollbackFacts
{
    /// <summary>
    /// The facts from the final rollout status; throws <see cref="DemoFailedException"/> unless the controller rolled the
    /// candidate back on a guardrail. <c>evidence</c> is the first breached guardrail's test (comparisons) or its
    /// count and limit (absolute rules); <c>breached</c> has every breached guardrail's one-line summary.
    /// </summary>
    public static JsonObject From(JsonNode status, TrafficCounts counts)
    {
        var phase = RolloutView.Text(status, "phase");
        var decision = status["decisions"]?.AsArray().LastOrDefault(d => RolloutView.Text(d, "kind") == "rolled_back");
        var breached = decision?["evidence_detail"]?.AsArray().Where(e => e?["breached"]?.GetValue<bool>() == true).ToList() ?? [];
        var timing = status["last_rollback"];
        if (phase != "rolled_back" || decision is null || breached.Count == 0 || timing is null)
        {
            throw new DemoFailedException(
                $"{RolloutView.Text(status, "deployment")}@{RolloutView.Text(status, "candidate")} was not rolled back by the controller: phase {phase} ({RolloutView.Text(status, "reason_text")})");
        }

        var first = breached[0]!;
        return new JsonObject
        {
            ["rollout"] = status["id"]?.DeepClone(),
            ["from"] = status["candidate"]?.DeepClone(),
            ["to"] = timing["to"]?.DeepClone(),
            ["trigger"] = timing["trigger"]?.DeepClone(),
            ["guardrail"] = first["guardrail"]?.DeepClone(),
            ["evidence"] = (first["test"] ?? first).DeepClone(),
            ["breached"] = decision["evidence"]?.DeepClone(),
            ["detection_ms"] = Math.Round((RolloutView.Time(decision, "at") - RolloutView.Time(status, "created_at")).TotalMilliseconds),
            ["propagation_ms"] = timing["propagation_ms"]?.DeepClone(),
            ["rollback_total_ms"] = timing["total_ms"]?.DeepClone(),
            ["first_request_ms"] = timing["first_request_ms"]?.DeepClone(),
            ["client_requests"] = new JsonObject(counts.Snapshot().Select(c => KeyValuePair.Create<string, JsonNode?>("v" + c.Version, new JsonObject { ["requests"] = c.Requests, ["errors"] = c.Errors }))),
        };
    }
}
