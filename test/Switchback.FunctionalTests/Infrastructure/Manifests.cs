using System.Globalization;

namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>Sample bundle manifests.</summary>
internal static class Manifests
{
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
