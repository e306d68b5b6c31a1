using System.CommandLine;
using Switchback.Cli.Client;
using Switchback.Cli.Registration;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback bundle diff DEPLOYMENT@A DEPLOYMENT@B</c>: field-level differences.</summary>
internal static class BundleDiffCommand
{
    internal static Command Create()
    {
        var from = new Argument<string>("FROM") { Description = "DEPLOYMENT@VERSION to compare from" };
        var to = new Argument<string>("TO") { Description = "DEPLOYMENT@VERSION to compare to" };
        var command = new Command("diff", "Show which fields differ between two versions") { from, to };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            if (!Arguments.TryVersion(parse.GetValue(from), context.Err, out var a) || !Arguments.TryVersion(parse.GetValue(to), context.Err, out var b))
            {
                return ExitCodes.Usage;
            }

            var path = $"deployments/{Arguments.Path(a.Deployment)}/diff?from={a.Version}&to={Uri.EscapeDataString(b.ToString())}";
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

            var differences = response.Body?["differences"]?.AsArray() ?? [];
            if (differences.Count == 0)
            {
                await context.Out.WriteLineAsync($"{a} and {b} are identical ({Formats.Text(response.Body?["from_digest"])})");
                return ExitCodes.Ok;
            }

            await context.Out.WriteLineAsync($"{a} -> {b}: {differences.Count} field(s) differ");
            foreach (var d in differences)
            {
                await context.Out.WriteLineAsync($"  {Formats.Text(d?["path"])}: {BundleSender.Show(d?["before"])} -> {BundleSender.Show(d?["after"])}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
