using System.CommandLine;
using Spectre.Console;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback key list</c>: names and roles, never secrets.</summary>
internal static class KeyListCommand
{
    internal static Command Create()
    {
        var command = new Command("list", "List API keys (names and roles only)");
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var response = await context.Client.GetAsync("keys", ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("NAME", "ROLE", "CREATED (UTC)", "BY", "STATUS");
            foreach (var k in response.Body?["keys"]?.AsArray() ?? [])
            {
                var status = k?["active"]?.GetValue<bool>() == true ? "active" : $"revoked {Formats.Time(k?["revoked_at"])}";
                table.AddRow(
                    Markup.Escape(Formats.Text(k?["name"])),
                    Markup.Escape(Formats.Text(k?["role"])),
                    Formats.Time(k?["created_at"]),
                    Markup.Escape(Formats.Text(k?["created_by"])),
                    status);
            }

            context.Tables.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
