using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchback.Core.Rollouts;

namespace Switchback.Control.Runbooks;

internal static partial class RunbookRenderer
{
    private static void Drill(StringBuilder md, RunbookModel model)
    {
        var d = model.Deployment;
        md.Append("## Last drill\n\n");
        if (model.LastDrill is not { } drill)
        {
            md.Append(CultureInfo.InvariantCulture, $"> **Warning:** never drilled — run `switchback drill {d} --dry-run`, then `switchback drill {d}`.\n\n");
            return;
        }

        md.Append(CultureInfo.InvariantCulture, $"`{drill.Id}` at {Time(drill.StartedAt)} UTC by {drill.Actor}: **{drill.Outcome}**{(drill.DryRun ? " (dry run: routing untouched)" : string.Empty)}.");
        md.Append(drill.SwitchWindowMs is { } w ? $" Users were on the rollback target for {Ms(w)} ms.\n\n" : "\n\n");
        md.Append("| step | result | duration (ms) |\n|---|---|---|\n");
        foreach (var (name, ok, ms) in drill.Steps)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {name} | {(ok ? "ok" : "FAILED")} | {Ms(ms)} |\n");
        }

        md.Append('\n');
        foreach (var finding in drill.Findings)
        {
            md.Append(CultureInfo.InvariantCulture, $"- {Cell(finding)}\n");
        }

        if (drill.Findings.Count > 0)
        {
            md.Append('\n');
        }

        if (drill.StartedAt < model.GeneratedAt - TimeSpan.FromDays(30))
        {
            md.Append(CultureInfo.InvariantCulture, $"> **Warning:** the last drill is over 30 days old; run `switchback drill {d}` again.\n\n");
        }
    }

    private static void Health(StringBuilder md, RunbookModel model)
    {
        md.Append("## Health (as this gateway sees it)\n\n| version | role | state | detail |\n|---|---|---|---|\n");
        foreach (var h in model.Health)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {h.Version} | {h.Role} | {h.State} | {Cell(h.Detail)} |\n");
        }

        md.Append('\n');
    }

    private static void Versions(StringBuilder md, RunbookModel model)
    {
        md.Append(CultureInfo.InvariantCulture, $"## Versions (newest {model.Versions.Count})\n\n| version | digest | registered (UTC) | lineage |\n|---|---|---|---|\n");
        foreach (var v in model.Versions)
        {
            var lineage = v.Lineage.Count == 0 ? "-" : string.Join(", ", v.Lineage.Select(l => $"{l.Key}: {l.Value}"));
            md.Append(CultureInfo.InvariantCulture, $"| {v.Version}{(v.Archived ? " (archived)" : string.Empty)} | `{v.Digest}` | {Time(v.CreatedAt)} | {Cell(lineage)} |\n");
        }

        md.Append('\n');
    }

    private static string Rule(GuardrailSpec g) => g.Rule switch
    {
        GuardrailRule.CompareBaseline => $"compare: baseline, max_ratio {g.MaxRatio.ToString("0.###", CultureInfo.InvariantCulture)}",
        GuardrailRule.Max => $"max: {g.Limit.ToString("0.####", CultureInfo.InvariantCulture)}",
        _ => $"min: {g.Limit.ToString("0.####", CultureInfo.InvariantCulture)}",
    };

    private static string Percent(int bps) => (bps / 100.0).ToString("0.##", CultureInfo.InvariantCulture) + " %";

    private static string Ms(double ms) => ms.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>Keeps user text from breaking a table row.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
