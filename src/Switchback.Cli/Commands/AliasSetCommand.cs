using System.CommandLine;
using System.Text.Json.Nodes;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback alias set DEPLOYMENT@V ALIAS --reason TEXT</c>.</summary>
internal static class AliasSetCommand
{
    internal static Command Create()
    {
        var version = new Argument<string>("DEPLOYMENT@VERSION") { Description = "The version the alias will point at" };
        var alias = new Argument<string>("ALIAS") { Description = "Alias name, e.g. stable" };
        var reason = new Option<string>("--reason") { Description = "Why, for the audit log", Required = true };
        var command = new Command("set", "Point an alias at a version") { version, alias, reason };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var name = parse.GetValue(alias)!;
            if (!Arguments.TryVersion(parse.GetValue(version), context.Err, out var reference) || !Arguments.TryName(name, "alias name", context.Err))
            {
                return ExitCodes.Usage;
            }

            var body = new JsonObject { ["version"] = reference.Version, ["reason"] = parse.GetValue(reason) };
            var response = await context.Client.PutAsync($"deployments/{Arguments.Path(reference.Deployment)}/aliases/{Arguments.Path(name)}", body, ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Ok;
            }

            var previous = response.Body?["previous_version"];
            var line = Formats.Text(response.Body?["status"]) == "unchanged"
                ? $"{name} already points at {reference}"
                : previous is null ? $"{name} -> {reference} (new alias)" : $"{name}: {reference.Deployment}@{previous} -> {reference}";
            await context.Out.WriteLineAsync(line);
            return ExitCodes.Ok;
        });
        return command;
    }
}
