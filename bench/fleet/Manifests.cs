using System.Globalization;

namespace Switchback.Bench.Fleet;

/// <summary>The manifests the bench sends: svc's bundles and the two rollout plans.</summary>
internal static class Manifests
{
    /// <summary>svc@<paramref name="version"/> on a simulator at <paramref name="simulator"/> (its base URL).</summary>
    public static string Bundle(int version, string simulator) => $"""
        kind: Bundle
        deployment: {Replica.Deployment}
        version: {version.ToString(CultureInfo.InvariantCulture)}
        model:
          provider: openai
          endpoint: {simulator}/v1
          name: sim-model
        prompt:
          engine: liquid
          system: "You are the support assistant of {"{{ company }}"}."
          variables: {"{ company: Acme }"}
        serving: {"{"} temperature: 0.2, max_tokens: 64, timeout_ms: 20000 {"}"}
        labels: {"{ purpose: bench-fleet }"}
        """;

    /// <summary>
    /// A canary of <paramref name="candidate"/> over stable with the demo's guardrails (error_rate and latency_p95 against
    /// the baseline, hard, alpha 0.01); steps <paramref name="weights"/> for <paramref name="duration"/> each, then 100 %.
    /// </summary>
    public static string Canary(int candidate, string duration, int minRequests, params int[] weights)
    {
        var steps = string.Concat(weights.Select(w => string.Create(
            CultureInfo.InvariantCulture, $"  - canary: {{ weight: {w}, duration: {duration}, min_requests: {minRequests} }}\n")));
        return $"""
            kind: Rollout
            deployment: {Replica.Deployment}
            candidate: {candidate.ToString(CultureInfo.InvariantCulture)}
            strategy: canary
            steps:
            {steps}  - canary: {"{"} weight: 100 {"}"}
            guardrails:
              - {"{"} signal: error_rate, compare: baseline, severity: hard {"}"}
              - {"{"} signal: latency_p95, compare: baseline, max_ratio: 1.25, severity: hard {"}"}
            alpha: 0.01
            """;
    }
}
