using System.CommandLine;
using System.Text.Json.Nodes;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback runbook DEPLOYMENT</c>: prints the on-call runbook, generated from live state, as Markdown.</summary>
internal static class RunbookCommand
{
    internal static Command Create()
    {
        var deployment = new Argument<string>("DEPLOYMENT") { Description = "The deployment" };
        var command = new Command("runbook", "Print the on-call runbook of a deployment as Markdown, from live state") { deployment };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var name = parse.GetValue(deployment)!;
            if (!Arguments.TryName(name, "deployment", context.Err))
            {
                return ExitCodes.Usage;
            }

            var response = await context.Client.GetAsync($"deployments/{Arguments.Path(name)}/runbook", ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(new JsonObject { ["deployment"] = name, ["markdown"] = response.Text });
                return ExitCodes.Ok;
            }

            await context.Out.WriteAsync(response.Text);
            return ExitCodes.Ok;
        });
        return command;
    }
}
