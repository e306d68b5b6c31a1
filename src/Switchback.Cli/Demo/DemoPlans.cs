using System.Text.Json.Nodes;

namespace Switchback.Cli.Demo;

/// <summary>Rollout manifests the demo scenarios send, as the JSON <c>switchback rollout start -f</c> would send.</summary>
internal static class DemoPlans
{
    /// <summary>Canary steps (weight %, duration, at least 100 requests per arm), then 100 %; alpha 0.01.</summary>
    public static JsonObject Canary(string deployment, int candidate, IEnumerable<(double Weight, string Duration)> steps, params JsonObject[] guardrails)
    {
        var list = new JsonArray();
        foreach (var (weight, duration) in steps)
        {
            list.Add(new JsonObject { ["canary"] = new JsonObject { ["weight"] = weight, ["duration"] = duration, ["min_requests"] = 100 } });
        }

        list.Add(new JsonObject { ["canary"] = new JsonObject { ["weight"] = 100 } });
        return new JsonObject
        {
            ["kind"] = "Rollout",
            ["deployment"] = deployment,
            ["candidate"] = candidate,
            ["strategy"] = "canary",
            ["steps"] = list,
            ["guardrails"] = new JsonArray([.. guardrails]),
            ["alpha"] = 0.01,
        };
    }

    /// <summary>A hard guardrail comparing the candidate with the baseline; <paramref name="maxRatio"/> for quantile signals.</summary>
    public static JsonObject Compare(string signal, double? maxRatio = null)
    {
        var guardrail = new JsonObject { ["signal"] = signal, ["compare"] = "baseline", ["severity"] = "hard" };
        if (maxRatio is { } ratio)
        {
            guardrail["max_ratio"] = ratio;
        }

        return guardrail;
    }

    /// <summary>A hard guardrail with an absolute limit: for count signals, events over the whole rollout.</summary>
    public static JsonObject Max(string signal, double max) => new() { ["signal"] = signal, ["max"] = max, ["severity"] = "hard" };
}
