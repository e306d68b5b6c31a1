using System.Globalization;

namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>Sample bundle manifests.</summary>
internal static class Manifests
{
    /// <summary>
    /// A rollout of svc@2 in two canary steps (50 % for <paramref name="duration"/> with at least
    /// <paramref name="minRequests"/> requests per arm, then 100 %), rolled back on a hard error-rate comparison with the
    /// baseline.
    /// </summary>
    public static string Canary(string duration = "30s", int minRequests = 20) => $$"""
        kind: Rollout
        deployment: svc
        candidate: 2
        steps:
          - canary: { weight: 50, duration: {{duration}}, min_requests: {{minRequests.ToString(CultureInfo.InvariantCulture)}} }
          - canary: { weight: 100 }
        guardrails:
          - { signal: error_rate, compare: baseline, severity: hard }
        """;

    public static string Bundle(string deployment = "support-bot", int? version = 1, double temperature = 0.2, string endpoint = "http://127.0.0.1:9001/v1", string apiKeyEnv = "VLLM_API_KEY")
    {
        var versionLine = version is null ? string.Empty : $"version: {version}\n";
        return $"""
            kind: Bundle
            deployment: {deployment}
            {versionLine}model:
              provider: openai
              endpoint: {endpoint}
              name: llama-3.1-8b-instruct
              api_key_env: {apiKeyEnv}
            prompt:
              engine: liquid
              system: "You are the support assistant of {"{{ company }}"}."
              variables: {"{ company: Acme }"}
            serving: {"{"} temperature: {temperature.ToString(CultureInfo.InvariantCulture)}, max_tokens: 512, timeout_ms: 20000 {"}"}
            labels: {"{ owner: support-ml }"}

            """;
    }

    public static string TwoVersions(string deployment = "support-bot")
        => Bundle(deployment, 1, 0.2) + "---\n" + Bundle(deployment, 2, 0.3, "http://127.0.0.1:9002/v1");
}
