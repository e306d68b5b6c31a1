using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback rollback DEPLOYMENT [--to V] --reason TEXT [--force]</c>.</summary>
internal static class RollbackCommand
{
    internal static Command Create()
    {
        var deployment = new Argument<string>("DEPLOYMENT") { Description = "The deployment" };
        var to = new Option<int?>("--to") { Description = "Target version; default: the rollout's stable, else the previous stable" };
        var reason = new Option<string>("--reason") { Description = "Why, for the audit log", Required = true };
        var force = new Option<bool>("--force") { Description = "Skip the target's health check and the rollback-window check" };
        var command = new Command("rollback", "Instant rollback: route 100 % to a previous version now") { deployment, to, reason, force };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var name = parse.GetValue(deployment)!;
            if (!Arguments.TryName(name, "deployment", context.Err))
            {
                return ExitCodes.Usage;
            }

            var body = new JsonObject { ["reason"] = parse.GetValue(reason), ["force"] = parse.GetValue(force) };
            if (parse.GetValue(to) is { } version)
            {
                body["to"] = version;
            }

            var response = await context.Client.PostAsync($"deployments/{Arguments.Path(name)}/rollback", body, ct);
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
            var ms = r["propagation_ms"]?.GetValue<double>() ?? 0;
            await context.Out.WriteLineAsync($"{r["message"]} Routing switched in {ms.ToString("0.###", CultureInfo.InvariantCulture)} ms" +
                (r["aborted_rollout"] is { } aborted ? $"; rollout {aborted} aborted." : ".") +
                (r["fleet"] is { } fleet ? $" Fleet: {fleet}." : string.Empty));
            return ExitCodes.Ok;
        });
        return command;
    }
}
