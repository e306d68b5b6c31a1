using System.CommandLine;
using System.Text.Json.Nodes;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback bundle archive DEPLOYMENT@V [--reason TEXT]</c>: hides a version from defaults; it is never deleted.</summary>
internal static class BundleArchiveCommand
{
    internal static Command Create()
    {
        var version = new Argument<string>("DEPLOYMENT@VERSION") { Description = "The version to archive" };
        var reason = new Option<string?>("--reason") { Description = "Why, for the audit log" };
        var command = new Command("archive", "Hide a version from lists and aliases (it stays registered)") { version, reason };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            if (!Arguments.TryVersion(parse.GetValue(version), context.Err, out var reference))
            {
                return ExitCodes.Usage;
            }

            var body = new JsonObject { ["reason"] = parse.GetValue(reason) };
            var response = await context.Client.PostAsync($"deployments/{Arguments.Path(reference.Deployment)}/versions/{reference.Version}/archive", body, ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
            }
            else
            {
                var already = Formats.Text(response.Body?["status"]) == "already_archived";
                await context.Out.WriteLineAsync(already ? $"{reference} was already archived" : $"{reference} archived");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
