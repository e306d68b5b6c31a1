using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback drill DEPLOYMENT [--dry-run] [--reason TEXT]</c>: rehearse a rollback and report each step's duration.</summary>
internal static class DrillCommand
{
    internal static Command Create()
    {
        var deployment = new Argument<string>("DEPLOYMENT") { Description = "The deployment" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only resolve the rollback target and check it is warm; leave routing alone" };
        var reason = new Option<string?>("--reason") { Description = "Why, for the audit log (default: rollback drill)" };
        var command = new Command("drill", "Rehearse a rollback: check the previous version is warm, switch to it and back, time each step")
        {
            deployment, dryRun, reason,
        };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var name = parse.GetValue(deployment)!;
            if (!Arguments.TryName(name, "deployment", context.Err))
            {
                return ExitCodes.Usage;
            }

            var body = new JsonObject { ["dry_run"] = parse.GetValue(dryRun) };
            if (parse.GetValue(reason) is { } why)
            {
                body["reason"] = why;
            }

            var response = await context.Client.PostAsync($"deployments/{Arguments.Path(name)}/drills", body, ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            var r = response.Body!;
            var passed = r["outcome"]?.GetValue<string>() == "passed";
            if (context.Json)
            {
                context.WriteJson(r);
                return passed ? ExitCodes.Ok : ExitCodes.Error;
            }

            var table = new Table().AddColumns("STEP", "RESULT", "DURATION (ms)", "DETAIL");
            foreach (var step in r["steps"]?.AsArray() ?? [])
            {
                var ok = step?["ok"]?.GetValue<bool>() == true;
                table.AddRow(
                    Markup.Escape(Formats.Text(step?["name"])),
                    ok ? "ok" : "[red]FAILED[/]",
                    (step?["duration_ms"]?.GetValue<double>() ?? 0).ToString("0.###", CultureInfo.InvariantCulture),
                    Markup.Escape(Formats.Text(step?["detail"])));
            }

            context.Tables.Write(table);
            var kind = r["dry_run"]?.GetValue<bool>() == true ? "Dry-run drill" : "Drill";
            var total = (r["total_ms"]?.GetValue<double>() ?? 0).ToString("0.###", CultureInfo.InvariantCulture);
            var window = r["switch_window_ms"] is { } w ? $"; users were on the target for {w.GetValue<double>().ToString("0.###", CultureInfo.InvariantCulture)} ms" : string.Empty;
            await context.Out.WriteLineAsync($"{kind} {r["id"]} on {name}: {(passed ? "passed" : "FAILED")} in {total} ms{window}.");
            foreach (var finding in r["findings"]?.AsArray() ?? [])
            {
                await context.Err.WriteLineAsync($"finding: {finding}");
            }

            return passed ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }
}
