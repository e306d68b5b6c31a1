using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;
using Switchback.Cli.Client;
using Switchback.Cli.Watch;
using Switchback.Server.Hosting;

namespace Switchback.Cli.Commands;

/// <summary>
/// <c>switchback rollout status DEPLOYMENT [--watch] [--wait]</c>: phase, step, weights, guardrail evidence, decisions and
/// alert delivery. <c>--watch</c> refreshes a live view in place (plain lines, one per change, when stdout is not a
/// terminal); <c>--wait</c> blocks silently. Both end with the rollout and exit 0 when it was promoted or completed, 4 when it
/// was rolled back or aborted; Ctrl+C stops them with exit 0.
/// </summary>
internal static class RolloutStatusCommand
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    internal static Command Create()
    {
        var deployment = new Argument<string>("DEPLOYMENT") { Description = "The deployment" };
        var watch = new Option<bool>("--watch") { Description = "Refresh a live view (plain lines when not a terminal) until the rollout ends; exit 0 promoted, 4 rolled back or aborted" };
        var wait = new Option<bool>("--wait") { Description = "Block until the rollout ends; exit 0 promoted, 4 rolled back or aborted" };
        var interval = new Option<string>("--interval") { Description = "How often --watch and --wait refresh: 1s (default) to 1h, as 5s, 2m, 1h" };
        var command = new Command("status", "Show the deployment's active (else latest) rollout") { deployment, watch, wait, interval };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var name = parse.GetValue(deployment)!;
            if (!Arguments.TryName(name, "deployment", context.Err))
            {
                return ExitCodes.Usage;
            }

            var every = DefaultInterval;
            if (parse.GetValue(interval) is { } intervalText)
            {
                if (!ServerOptions.TryParseInterval(intervalText, out every) || every < DefaultInterval || every > MaxInterval)
                {
                    context.Err.WriteLine($"switchback: --interval '{intervalText}' is not a refresh interval: use a whole number of seconds, minutes or hours from 1s to 1h (for example 5s)");
                    return ExitCodes.Usage;
                }
            }

            var path = $"deployments/{Arguments.Path(name)}/rollout";
            var response = await context.Client.GetAsync(path, ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            var rollout = response.Body!;
            var watching = parse.GetValue(watch);
            var waiting = parse.GetValue(wait) || watching;
            if (waiting)
            {
                var loop = new RolloutWatch(token => context.Client.GetAsync(path, token), TimeProvider.System, every);
                try
                {
                    rollout = !watching || context.Json ? await loop.PlainAsync(rollout, TextWriter.Null, ct)
                        : Console.IsOutputRedirected ? await loop.PlainAsync(rollout, context.Out, ct)
                        : await loop.LiveAsync(rollout, context.Tables, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Ctrl+C ends the watching, not the rollout: not an error.
                    context.Err.WriteLine($"switchback: stopped watching; the rollout of {name} goes on");
                    return ExitCodes.Ok;
                }
            }

            if (context.Json)
            {
                context.WriteJson(rollout);
            }
            else if (!watching)
            {
                context.Tables.Write(Render(rollout));
            }

            return waiting && Formats.Text(rollout["phase"]) is "rolled_back" or "aborted" ? ExitCodes.Breach : ExitCodes.Ok;
        });
        return command;
    }

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
