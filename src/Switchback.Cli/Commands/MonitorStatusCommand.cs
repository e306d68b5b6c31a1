using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback monitor status [DEPLOYMENT]</c>: every monitor, or one, with its statistic, evidence and last alarm.</summary>
internal static class MonitorStatusCommand
{
    internal static Command Create()
    {
        var deployment = new Argument<string?>("DEPLOYMENT") { Description = "Deployment name (all monitors when omitted)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("status", "Show drift monitors: phase, statistic against the threshold, each signal against its own past, the last alarm") { deployment };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var name = parse.GetValue(deployment);
            if (name is not null && !Arguments.TryName(name, "deployment name", context.Err))
            {
                return ExitCodes.Usage;
            }

            var response = await context.Client.GetAsync(name is null ? "monitors" : $"deployments/{Arguments.Path(name)}/monitor", ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Ok;
            }

            var monitors = name is null ? response.Body?["monitors"]?.AsArray().ToList() ?? [] : [response.Body];
            if (monitors.Count == 0)
            {
                await context.Out.WriteLineAsync("no monitors (apply a kind: Monitor manifest with switchback apply -f FILE)");
            }

            foreach (var monitor in monitors)
            {
                await WriteAsync(context, monitor!);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task WriteAsync(CliContext context, JsonNode monitor)
    {
        var spec = monitor["spec"];
        var target = monitor["version"] is { } v ? $"{monitor["deployment"]}@{v}" : Formats.Text(monitor["deployment"]);
        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{target}: {monitor["phase"]}, statistic {Number(monitor["statistic"])} of {Whole(monitor["threshold"])} (a false alarm every {spec?["false_alarm_every"]} on average; batches of {spec?["batch"]}, seasonality {spec?["seasonality"]})"));
        if (monitor["phase"]?.GetValue<string>() == "learning")
        {
            await context.Out.WriteLineAsync($"  learning its own past until {Formats.Time(monitor["judging_from"])}");
        }

        foreach (var (signal, judged) in monitor["signals"]?.AsObject() ?? [])
        {
            await context.Out.WriteLineAsync(judged is null
                ? $"  {signal}: not judged yet"
                : string.Create(CultureInfo.InvariantCulture,
                    $"  {signal}: last batch {judged["events"]} of {judged["trials"]}, past {judged["reference_events"]} of {judged["reference_trials"]} (bound {Percent(judged["reference_bound"])}), statistic {Number(judged["statistic"])}"));
        }

        var alarm = monitor["last_alarm"];
        await context.Out.WriteLineAsync(alarm is null
            ? "  no alarm"
            : $"  last alarm {Formats.Time(alarm["at"])} on {alarm["signal"]} of version {alarm["version"]} (statistic {Number(alarm["statistic"])} >= {Whole(alarm["threshold"])}); {Formats.Count(monitor["alarms"])} alarm(s) on this version; routing is never changed by a monitor");
    }

    private static string Number(JsonNode? value)
        => value is JsonValue v && v.TryGetValue<double>(out var d) ? d.ToString("G4", CultureInfo.InvariantCulture) : "-";

    private static string Whole(JsonNode? value)
        => value is JsonValue v && v.TryGetValue<double>(out var d) ? d.ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static string Percent(JsonNode? value)
        => value is JsonValue v && v.TryGetValue<double>(out var d) ? d.ToString("P2", CultureInfo.InvariantCulture) : "-";
}
