using System.Text.Json.Nodes;

namespace Switchback.Control.Alerts;

/// <summary>One alert about a deployment: a rollback, a pause, an inconclusive step, a promotion or a failed gate, with its evidence.</summary>
/// <param name="Kind">"rollback", "pause", "inconclusive", "promotion", "gate_failed" or "drill".</param>
/// <param name="Deployment">The deployment it concerns.</param>
/// <param name="RolloutId">The rollout it came from, if any.</param>
/// <param name="Summary">One human sentence, e.g. "support-bot@8 rolled back: error_rate 4.1 % vs 1.0 % (e-value 212 ≥ 200)".</param>
/// <param name="Evidence">The decision's evidence (counts per arm, statistic, threshold, e-value or p-value) as JSON.</param>
/// <param name="Time">When the decision was made (from the injected TimeProvider).</param>
public sealed record AlertMessage(string Kind, string Deployment, string? RolloutId, string Summary, JsonObject Evidence, DateTimeOffset Time);
