using System.CommandLine;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback key revoke NAME</c>.</summary>
internal static class KeyRevokeCommand
{
    internal static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The key to revoke" };
        var command = new Command("revoke", "Revoke an API key; it stops working at once") { name };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var keyName = parse.GetValue(name)!;
            if (!Arguments.TryName(keyName, "key name", context.Err))
            {
                return ExitCodes.Usage;
            }

            var response = await context.Client.DeleteAsync($"keys/{Arguments.Path(keyName)}", ct);
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
                await context.Out.WriteLineAsync($"Revoked key '{keyName}'.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
