using System.Text.Json.Nodes;
using Switchback.Cli.Demo;

namespace Switchback.Cli.Watch;

/// <summary>The plain-text form of a refresh, for a log or a pipe: one line with the essentials.</summary>
internal static class WatchLine
{
    /// <summary>
    /// "progressing, step 1/2 (canary 50 % …); v1 50 % (66 req), v2 50 % (38 req); error_rate:compare e 81.95 / 100; last: …".
    /// No time in it, so two refreshes that saw the same state give the same line.
    /// </summary>
    public static string Of(JsonNode status, string? problem)
    {
        var routing = status["routing"];
        var counts = status["step_requests"];
        var stable = status["stable"]?.GetValue<int>() ?? 0;
        var candidate = status["candidate"]?.GetValue<int>() ?? 0;
        var arms = $"v{stable} {RolloutView.Weight(routing, stable)} ({counts?["baseline_requests"]} req), v{candidate} {RolloutView.Weight(routing, candidate)} ({counts?["candidate_requests"]} req)";
        if (routing?["shadow"] is { } shadow)
        {
            arms += $", shadow v{shadow} ({counts?["shadow_requests"]} req)";
        }

        var guardrails = string.Join(", ", GuardrailReading.All(status).Select(Guardrail));
        var line = $"{RolloutView.Text(status, "phase")}, step {RolloutView.Step(status)}{Described(status)}; {arms}; {guardrails}; last: {LastDecision(status)}";
        return problem is null ? line : $"{line} (refresh failed: {problem})";
    }

    /// <summary>The last decision, "kind: reason"; "none" before the first.</summary>
    public static string LastDecision(JsonNode status)
        => status["decisions"]?.AsArray().LastOrDefault() is { } d ? $"{RolloutView.Text(d, "kind")}: {RolloutView.Text(d, "reason")}" : "none";

    private static string Described(JsonNode status)
        => status["step_description"]?.GetValue<string>() is { } text ? $" ({text})" : string.Empty;

    private static string Guardrail(GuardrailReading g) => g switch
    {
        { EValue: { } e, Threshold: { } t } => $"{g.Name} {EvidenceBar.Label(e, t)}{(g.Breached ? " BREACHED" : string.Empty)}",
        { Summary: { } summary } => g.Breached ? $"{summary} BREACHED" : summary,
        _ => $"{g.Name} no data yet",
    };
}
