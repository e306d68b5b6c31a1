using System.Text.Json.Nodes;

namespace Switchback.Cli.Tests.Watch;

/// <summary>
/// Rollout statuses recorded from a real <c>switchback serve</c> (<c>GET /api/v1/deployments/svc/rollout</c>) during a canary
/// of a flaky svc@2 (error rate 0.4) over a healthy svc@1, guarded by error_rate and latency_p95 against the baseline.
/// </summary>
internal static class Snapshots
{
    /// <summary>Just started: step 1/2 at 50 %, no requests, no evidence.</summary>
    public static JsonNode Started => Load("1-started.json");

    /// <summary>Mid-step: 96/60 requests, error_rate's e-value 81.9 of 100, latency without data.</summary>
    public static JsonNode EvidenceBuilding => Load("2-evidence-building.json");

    /// <summary>Rolled back: error_rate breached at e-value 4839 of 100, latency_p95 at 1.</summary>
    public static JsonNode RolledBack => Load("3-rolled-back.json");

    public static JsonNode Load(string name)
        => JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Watch", "Snapshots", name)))!;

    /// <summary><paramref name="status"/> with its first guardrail's e-value set to <paramref name="eValue"/>.</summary>
    public static JsonNode WithEValue(JsonNode status, double eValue)
    {
        status["guardrails"]![0]!["evidence"]!["test"]!["e_value"] = eValue;
        return status;
    }
}
