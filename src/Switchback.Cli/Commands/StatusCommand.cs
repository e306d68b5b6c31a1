using System.CommandLine;
using Spectre.Console;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback status</c>: the fleet — every replica, the leader, routing generations and signal lag.</summary>
internal static class StatusCommand
{
    internal static Command Create()
    {
        var command = new Command("status", "Show the fleet: each replica's role, heartbeat, applied routing generation and signal lag");
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var response = await context.Client.GetAsync("replicas", ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Ok;
            }

            var body = response.Body;
            var replicas = body?["replicas"]?.AsArray() ?? [];
            await context.Out.WriteLineAsync(
                $"Fleet: {Formats.Text(body?["live"])} live of {replicas.Count} replicas; leader {Formats.Text(body?["leader"])} (term {Formats.Text(body?["term"])}); routing generation {Formats.Text(body?["routing_generation"])}");
            var table = new Table().AddColumns("REPLICA", "ADDRESS", "ROLE", "STATE", "LAST HEARTBEAT", "ROUTING GEN", "SIGNAL LAG", "VERSION");
            foreach (var r in replicas)
            {
                table.AddRow(
                    Markup.Escape(Formats.Text(r?["id"])),
                    Markup.Escape(Formats.Text(r?["address"])),
                    Formats.Text(r?["role"]),
                    Formats.Text(r?["state"]),
                    $"{Formats.Time(r?["last_heartbeat"])} ({Formats.Text(r?["heartbeat_age_ms"])} ms ago)",
                    $"{Formats.Text(r?["applied_routing_generation"])}{(r?["routing_behind"]?.GetValue<long>() is > 0 and var behind ? $" ({behind} behind)" : string.Empty)}",
                    $"{Formats.Text(r?["signal_lag_seconds"])} s",
                    Markup.Escape(Formats.Text(r?["software_version"])));
            }

            context.Tables.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
