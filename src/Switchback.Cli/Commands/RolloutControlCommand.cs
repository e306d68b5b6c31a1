using System.CommandLine;
using System.Text.Json.Nodes;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback rollout promote|pause|resume|abort DEPLOYMENT [--reason TEXT]</c>.</summary>
internal static class RolloutControlCommand
{
    internal static Command Create(string verb, string description)
    {
        var deployment = new Argument<string>("DEPLOYMENT") { Description = "The deployment" };
        var reason = new Option<string?>("--reason") { Description = "Why, for the history and the audit log" };
        var command = new Command(verb, description) { deployment, reason };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var name = parse.GetValue(deployment)!;
            if (!Arguments.TryName(name, "deployment", context.Err))
            {
                return ExitCodes.Usage;
            }

            var body = new JsonObject();
            if (parse.GetValue(reason) is { } why)
            {
                body["reason"] = why;
            }

            var response = await context.Client.PostAsync($"deployments/{Arguments.Path(name)}/rollout/{verb}", body, ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Ok;
            }

            var r = response.Body!;
            await context.Out.WriteLineAsync($"{name} rollout {r["id"]}: {verb} accepted; now {r["phase"]} ({r["reason_text"]})" +
                (r["fleet"] is { } fleet ? $". Fleet: {fleet}." : string.Empty));
            return ExitCodes.Ok;
        });
        return command;
    }
}
