using System.CommandLine;
using Spectre.Console;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback bundle list DEPLOYMENT [--all]</c>.</summary>
internal static class BundleListCommand
{
    internal static Command Create()
    {
        var deployment = new Argument<string>("DEPLOYMENT") { Description = "Deployment name" };
        var all = new Option<bool>("--all") { Description = "Include archived versions" };
        var command = new Command("list", "List the versions of a deployment") { deployment, all };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var name = parse.GetValue(deployment)!;
            if (!Arguments.TryName(name, "deployment name", context.Err))
            {
                return ExitCodes.Usage;
            }

            var query = parse.GetValue(all) ? "?include_archived=true" : string.Empty;
            var response = await context.Client.GetAsync($"deployments/{Arguments.Path(name)}/versions{query}", ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("VERSION", "DIGEST", "CREATED (UTC)", "BY", "ALIASES", "ARCHIVED");
            foreach (var v in response.Body?["versions"]?.AsArray() ?? [])
            {
                table.AddRow(
                    Markup.Escape(Formats.Text(v?["version"])),
                    Markup.Escape(Formats.Text(v?["digest"])),
                    Formats.Time(v?["created_at"]),
                    Markup.Escape(Formats.Text(v?["created_by"])),
                    Markup.Escape(Formats.List(v?["aliases"])),
                    v?["archived"]?.GetValue<bool>() == true ? "yes" : "no");
            }

            context.Tables.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
