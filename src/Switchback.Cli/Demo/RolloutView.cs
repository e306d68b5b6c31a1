using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Switchback.Cli.Demo;

/// <summary>Renders a rollout status (the admin API's JSON) and the client-side counts: as a table, or as one line.</summary>
internal static class RolloutView
{
    public static IRenderable Table(JsonNode status, TrafficCounts counts, TimeSpan elapsed)
    {
        var routing = status["routing"];
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(Text(status, "deployment"))}[/]: rollout of v{Text(status, "candidate")} over v{Text(status, "stable")}  [grey]{elapsed.TotalSeconds:0.0} s[/]")
            .AddColumn("version").AddColumn("weight").AddColumn(new TableColumn("requests").RightAligned()).AddColumn(new TableColumn("client errors").RightAligned());
        foreach (var (version, requests, errors) in counts.Snapshot())
        {
            table.AddRow($"v{version}", Weight(routing, version), requests.ToString(CultureInfo.InvariantCulture),
                requests == 0 ? "0" : $"{errors} ({100.0 * errors / requests:0.0} %)");
        }

        var rows = new List<IRenderable> { table, new Markup($"phase [bold]{Markup.Escape(Text(status, "phase"))}[/], step {Step(status)}") };
        rows.AddRange(Guardrails(status).Select(g => new Markup(Markup.Escape(g))));
        return new Rows(rows);
    }

    public static string Line(JsonNode status, TrafficCounts counts, TimeSpan elapsed)
    {
        var served = string.Join(", ", counts.Snapshot().Select(c => $"v{c.Version} {c.Requests} req ({c.Errors} err)"));
        var guard = Guardrails(status).FirstOrDefault() ?? "no evidence yet";
        return $"  {elapsed.TotalSeconds,5:0.0} s  {Text(status, "phase")}, step {Step(status)}, candidate weight {Weight(status["routing"], status["candidate"]?.GetValue<int>() ?? 0)}; {served}; {guard}";
    }

    /// <summary>One line per comparative guardrail: e-value against its threshold.</summary>
    public static IEnumerable<string> Guardrails(JsonNode status)
        => GuardrailReading.All(status).Where(g => g.EValue is not null)
            .Select(g => $"{g.Name}: e-value {g.EValue:G4} of {g.Threshold:G4} ({g.Counts})");

    /// <summary>"n/m": the current step, counted from 1, of the plan steps.</summary>
    internal static string Step(JsonNode status)
    {
        var steps = status["steps"]?.GetValue<int>() ?? 0;
        return $"{Math.Min((status["step"]?.GetValue<int>() ?? 0) + 1, steps)}/{steps}";
    }

    /// <summary>The share of traffic <paramref name="routing"/> gives <paramref name="version"/>, "50 %"; "-" without routing.</summary>
    internal static string Weight(JsonNode? routing, int version)
    {
        if (routing is null)
        {
            return "-";
        }

        var candidateWeight = routing["candidate_weight"]?.GetValue<double>() ?? 0;
        return routing["candidate"]?.GetValue<int>() == version ? $"{candidateWeight:0.##} %"
            : routing["stable"]?.GetValue<int>() == version ? $"{100 - candidateWeight:0.##} %"
            : "0 %";
    }

    internal static string Text(JsonNode? node, string name) => node?[name]?.ToString() ?? "-";

    internal static double Num(JsonNode? node, string name) => node?[name]?.GetValue<double>() ?? double.NaN;

    internal static DateTimeOffset Time(JsonNode? node, string name)
        => DateTimeOffset.Parse(Text(node, name), CultureInfo.InvariantCulture);
}
