using System.CommandLine;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback bundle show DEPLOYMENT@V</c>.</summary>
internal static class BundleShowCommand
{
    internal static Command Create()
    {
        var version = new Argument<string>("DEPLOYMENT@VERSION") { Description = "The version to show, e.g. support-bot@7" };
        var command = new Command("show", "Show one version: digest, aliases and full content") { version };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            if (!Arguments.TryVersion(parse.GetValue(version), context.Err, out var reference))
            {
                return ExitCodes.Usage;
            }

            var response = await context.Client.GetAsync($"deployments/{Arguments.Path(reference.Deployment)}/versions/{reference.Version}", ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Ok;
            }

            var body = response.Body!;
            await context.Out.WriteLineAsync($"{reference}  {Formats.Text(body["digest"])}");
            await context.Out.WriteLineAsync($"created:  {Formats.Time(body["created_at"])} UTC by {Formats.Text(body["created_by"])}");
            await context.Out.WriteLineAsync($"aliases:  {Formats.List(body["aliases"])}");
            await context.Out.WriteLineAsync($"archived: {(body["archived"]?.GetValue<bool>() == true ? "yes" : "no")}");
            await EvalReportLines.WriteAsync(context, reference, ct);
            await context.Out.WriteLineAsync("content:");
            context.WriteJson(body["content"]);
            return ExitCodes.Ok;
        });
        return command;
    }
}
