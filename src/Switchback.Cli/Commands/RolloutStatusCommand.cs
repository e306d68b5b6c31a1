using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary>
/// <c>switchback rollout status DEPLOYMENT [--watch] [--wait]</c>: phase, step, weights, guardrail evidence, decisions and
/// alert delivery. <c>--watch</c> refreshes a live view; <c>--wait</c> blocks until the rollout ends and exits 0 when it was
/// promoted or completed, 4 when it was rolled back or aborted.
/// </summary>
internal static class RolloutStatusCommand
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    internal static Command Create()
    {
        var deployment = new Argument<string>("DEPLOYMENT") { Description = "The deployment" };
        var watch = new Option<bool>("--watch") { Description = "Refresh a live view until the rollout ends" };
        var wait = new Option<bool>("--wait") { Description = "Block until the rollout ends; exit 0 promoted, 4 rolled back or aborted" };
        var command = new Command("status", "Show the deployment's active (else latest) rollout") { deployment, watch, wait };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var name = parse.GetValue(deployment)!;
            if (!Arguments.TryName(name, "deployment", context.Err))
            {
                return ExitCodes.Usage;
            }

            var path = $"deployments/{Arguments.Path(name)}/rollout";
            var response = await context.Client.GetAsync(path, ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            var rollout = response.Body!;
            if (parse.GetValue(watch) && !context.Json)
            {
                await context.Tables.Live(Render(rollout)).StartAsync(async live =>
                {
                    while (!Finished(rollout))
                    {
                        await Task.Delay(Poll, ct);
                        var next = await context.Client.GetAsync(path, ct);
                        if (next.IsSuccess)
                        {
                            rollout = next.Body!;
                            live.UpdateTarget(Render(rollout));
                        }
                    }
                });
            }
            else if (parse.GetValue(wait) || parse.GetValue(watch))
            {
                while (!Finished(rollout))
                {
                    await Task.Delay(Poll, ct);
                    var next = await context.Client.GetAsync(path, ct);
                    rollout = next.IsSuccess ? next.Body! : rollout;
                }
            }

            if (context.Json)
            {
                context.WriteJson(rollout);
            }
            else if (!parse.GetValue(watch))
            {
                context.Tables.Write(Render(rollout));
            }

            var phase = Formats.Text(rollout["phase"]);
            return (parse.GetValue(wait) || parse.GetValue(watch)) && phase is "rolled_back" or "aborted" ? ExitCodes.Breach : ExitCodes.Ok;
        });
        return command;
    }

    private static bool Finished(JsonNode rollout) => rollout["finished"]?.GetValue<bool>() == true;

    /// <summary>The status as Spectre renderables: a header, guardrails, decisions and alert delivery.</summary>
    internal static IRenderable Render(JsonNode r)
    {
        var routing = r["routing"];
        var header = new Markup(Markup.Escape(
            $"Rollout {r["id"]} of {r["deployment"]}: candidate {r["candidate"]} over stable {r["stable"]} ({r["strategy"]})\n" +
            (r["unverified"]?.GetValue<bool>() == true ? "UNVERIFIED: the plan says 'unverified: true'; it can promote with nothing measured\n" : string.Empty) +
            $"Phase: {r["phase"]}{(Formats.Text(r["reason"]) is "none" ? string.Empty : $" ({r["reason"]})")} - {r["reason_text"]}\n" +
            $"Step {r["step"]}/{r["steps"]}{(r["step_description"] is { } step ? $" ({step})" : string.Empty)}; requests this step: baseline {r["step_requests"]?["baseline_requests"]}, candidate {r["step_requests"]?["candidate_requests"]}, shadow {r["step_requests"]?["shadow_requests"]}\n" +
            $"Routing: stable {routing?["stable"]}, candidate {Formats.Text(routing?["candidate"])} at {Formats.Text(routing?["candidate_weight"])} %, shadow {Formats.Text(routing?["shadow"])}"));
        var guardrails = new Table().AddColumns("guardrail", "severity", "breached", "evidence");
        foreach (var g in r["guardrails"]?.AsArray() ?? [])
        {
            guardrails.AddRow(Markup.Escape(Formats.Text(g?["guardrail"])), Formats.Text(g?["severity"]), Formats.Text(g?["breached"]),
                Markup.Escape(Formats.Text(g?["summary"]) is { Length: > 0 } s ? s : "no data yet"));
        }

        var decisions = new Table().AddColumns("time", "decision", "step", "reason");
        foreach (var d in r["decisions"]?.AsArray() ?? [])
        {
            decisions.AddRow(Formats.Time(d?["at"]), Formats.Text(d?["kind"]), Formats.Text(d?["step"]), Markup.Escape(Formats.Text(d?["reason"])));
        }

        var rows = new List<IRenderable> { header, guardrails, decisions };
        foreach (var a in r["alerts"]?.AsArray() ?? [])
        {
            rows.Add(new Markup(Markup.Escape($"alerts: {a?["receiver"]}: {a?["delivered"]} delivered, {a?["failed_for_good"]} failed, {a?["dropped"]} dropped")));
        }

        return new Rows(rows);
    }
}
