using System.Text.Json.Nodes;

namespace Switchback.Cli.Demo;

/// <summary>
/// One guardrail of a rollout status (the admin API's JSON), read once for every view that shows it: the demo's lines and
/// <c>rollout status --watch</c>. <see cref="EValue"/> and <see cref="Threshold"/> are set for a comparative guardrail
/// with evidence; <see cref="Counts"/> then says "baseline E/N, candidate E/N" (with "units" when counted per user).
/// </summary>
internal sealed record GuardrailReading(string Name, string Severity, bool Breached, double? EValue, double? Threshold, string? Counts, string? Summary)
{
    /// <summary>Reads one element of the status's <c>guardrails</c> array.</summary>
    public static GuardrailReading From(JsonNode g)
    {
        var name = RolloutView.Text(g, "guardrail");
        var severity = RolloutView.Text(g, "severity");
        var breached = g["breached"]?.GetValue<bool>() == true;
        var summary = g["summary"]?.GetValue<string>();
        if (g["evidence"]?["test"] is not { } t)
        {
            return new GuardrailReading(name, severity, breached, null, null, null, summary);
        }

        var units = g["evidence"]?["by_unit"]?.GetValue<bool>() == true ? " units" : string.Empty;
        var counts = $"baseline {t["baseline_events"]}/{t["baseline_requests"]}{units}, candidate {t["candidate_events"]}/{t["candidate_requests"]}{units}";
        return new GuardrailReading(name, severity, breached, RolloutView.Num(t, "e_value"), RolloutView.Num(t, "threshold"), counts, summary);
    }

    /// <summary>Every guardrail of <paramref name="status"/>, in the plan's order.</summary>
    public static IReadOnlyList<GuardrailReading> All(JsonNode status)
        => [.. (status["guardrails"]?.AsArray() ?? []).OfType<JsonNode>().Select(From)];
}
