using System.CommandLine;
using Spectre.Console;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback history DEPLOYMENT</c>: alias moves and audit entries of a deployment.</summary>
internal static class HistoryCommand
{
    internal static Command Create()
    {
        var deployment = new Argument<string>("DEPLOYMENT") { Description = "Deployment name" };
        var after = new Option<long?>("--after") { Description = "Show audit entries after this sequence number (the next page)" };
        var aliasAfter = new Option<long?>("--alias-after") { Description = "Show alias moves after this event id (the next page)" };
        var limit = new Option<int?>("--limit") { Description = "At most this many audit entries and alias moves (1-10000; default 1000)" };
        var command = new Command("history", "Show alias moves and audit entries of a deployment, a page at a time") { deployment, after, aliasAfter, limit };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var name = parse.GetValue(deployment)!;
            if (!Arguments.TryName(name, "deployment name", context.Err))
            {
                return ExitCodes.Usage;
            }

            var query = new List<string>();
            if (parse.GetValue(after) is { } a)
            {
                query.Add($"after={a}");
            }

            if (parse.GetValue(aliasAfter) is { } aa)
            {
                query.Add($"alias_after={aa}");
            }

            if (parse.GetValue(limit) is { } l)
            {
                query.Add($"limit={l}");
            }

            var path = $"deployments/{Arguments.Path(name)}/history" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty);
            var response = await context.Client.GetAsync(path, ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Ok;
            }

            var aliases = new Table().Title("alias moves").AddColumns("TIME (UTC)", "ALIAS", "FROM", "TO", "BY", "REASON");
            foreach (var e in response.Body?["alias_events"]?.AsArray() ?? [])
            {
                aliases.AddRow(
                    Formats.Time(e?["time"]),
                    Markup.Escape(Formats.Text(e?["alias"])),
                    Markup.Escape(Formats.Text(e?["from_version"])),
                    Markup.Escape(Formats.Text(e?["to_version"])),
                    Markup.Escape(Formats.Text(e?["actor"])),
                    Markup.Escape(Formats.Text(e?["reason"])));
            }

            var audit = new Table().Title("audit entries").AddColumns("SEQ", "TIME (UTC)", "ACTOR", "ACTION", "TARGET", "REASON");
            foreach (var e in response.Body?["audit"]?.AsArray() ?? [])
            {
                audit.AddRow(
                    Markup.Escape(Formats.Text(e?["sequence"])),
                    Formats.Time(e?["time"]),
                    Markup.Escape(Formats.Text(e?["actor"])),
                    Markup.Escape(Formats.Text(e?["action"])),
                    Markup.Escape(Formats.Text(e?["target"])),
                    Markup.Escape(Formats.Text(e?["reason"])));
            }

            context.Tables.Write(aliases);
            context.Tables.Write(audit);
            if (response.Body?["next"] is { } next)
            {
                await context.Out.WriteLineAsync(
                    $"More: switchback history {name} --after {Formats.Text(next["after"])} --alias-after {Formats.Text(next["alias_after"])}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
