using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;
using Switchback.Cli.Commands;
using Switchback.Cli.Demo;

namespace Switchback.Cli.Watch;

/// <summary>The live view of <c>rollout status --watch</c>: step, weights and counts per arm, guardrail bars, phase, last decision.</summary>
internal static class WatchView
{
    /// <summary>The view of <paramref name="status"/> as refreshed at <paramref name="at"/>; <paramref name="problem"/> says why the last refresh failed.</summary>
    public static IRenderable Render(JsonNode status, DateTimeOffset at, string? problem)
    {
        var phase = RolloutView.Text(status, "phase");
        var color = phase switch
        {
            "rolled_back" or "aborted" => "red",
            "promoted" or "completed" => "green",
            "paused" or "inconclusive" => "yellow",
            _ => "blue",
        };
        var reason = RolloutView.Text(status, "reason") is "none" or "-" ? string.Empty : $" ({RolloutView.Text(status, "reason")})";
        var header = new Markup(
            $"[bold]{E(RolloutView.Text(status, "deployment"))}[/]: rollout {E(RolloutView.Text(status, "id"))} of v{E(RolloutView.Text(status, "candidate"))} over v{E(RolloutView.Text(status, "stable"))} ({E(RolloutView.Text(status, "strategy"))})\n" +
            $"Step [bold]{RolloutView.Step(status)}[/]{E(status["step_description"]?.GetValue<string>() is { } d ? ": " + d : string.Empty)}\n" +
            $"Phase [bold {color}]{E(phase)}[/]{E(reason)}");

        var rows = new List<IRenderable> { header, Arms(status), Guardrails(status) };
        rows.Add(new Markup($"Last decision: {E(WatchLine.LastDecision(status))}"));
        var updated = at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        rows.Add(new Markup(problem is null
            ? $"[grey]updated {updated} UTC; Ctrl+C stops watching (the rollout goes on)[/]"
            : $"[yellow]refresh failed at {updated} UTC: {E(problem)}; showing the last state[/]"));
        return new Rows(rows);
    }

    private static Table Arms(JsonNode status)
    {
        var routing = status["routing"];
        var counts = status["step_requests"];
        var stable = status["stable"]?.GetValue<int>() ?? 0;
        var candidate = status["candidate"]?.GetValue<int>() ?? 0;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("arm").AddColumn("version").AddColumn(new TableColumn("weight").RightAligned()).AddColumn(new TableColumn("requests this step").RightAligned());
        table.AddRow("stable", $"v{stable}", RolloutView.Weight(routing, stable), Formats.Count(counts?["baseline_requests"]));
        table.AddRow("candidate", $"v{candidate}", RolloutView.Weight(routing, candidate), Formats.Count(counts?["candidate_requests"]));
        if (routing?["shadow"] is { } shadow)
        {
            var sample = routing["shadow_sample"]?.GetValue<double>() ?? 0;
            table.AddRow("shadow", $"v{shadow}", string.Create(CultureInfo.InvariantCulture, $"{sample:0.##} % mirrored"), Formats.Count(counts?["shadow_requests"]));
        }

        return table;
    }

    private static Table Guardrails(JsonNode status)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("guardrail").AddColumn("severity").AddColumn("e-value, log scale: 1 … threshold").AddColumn("evidence");
        foreach (var g in GuardrailReading.All(status))
        {
            var name = g.Breached ? $"[red bold]{E(g.Name)} BREACHED[/]" : E(g.Name);
            if (g is { EValue: { } e, Threshold: { } t })
            {
                var bar = g.Breached ? $"[red]{EvidenceBar.Text(e, t)}[/]" : $"[blue]{EvidenceBar.Text(e, t)}[/]";
                table.AddRow(name, E(g.Severity), $"{bar} {E(EvidenceBar.Label(e, t))}", E(g.Counts ?? string.Empty));
            }
            else
            {
                table.AddRow(name, E(g.Severity), "[grey]no evidence yet[/]", E(g.Summary ?? string.Empty));
            }
        }

        return table;
    }

    private static string E(string text) => Markup.Escape(text);
}
