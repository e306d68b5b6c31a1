using System.CommandLine;
using System.Text.Json.Nodes;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback key create --role viewer|operator|admin --name NAME</c>.</summary>
internal static class KeyCreateCommand
{
    internal static Command Create()
    {
        var role = new Option<string>("--role") { Description = "What the key may do", Required = true };
        role.AcceptOnlyFromAmong("viewer", "operator", "admin");
        var name = new Option<string>("--name") { Description = "Key name (shown in the audit log)", Required = true };
        var command = new Command("create", "Create an API key; the key is shown once") { role, name };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var keyName = parse.GetValue(name)!;
            if (!Arguments.TryName(keyName, "key name", context.Err))
            {
                return ExitCodes.Usage;
            }

            var response = await context.Client.PostAsync("keys", new JsonObject { ["name"] = keyName, ["role"] = parse.GetValue(role) }, ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Ok;
            }

            await context.Out.WriteLineAsync($"Created key '{keyName}' with role {Formats.Text(response.Body?["role"])}.");
            await context.Out.WriteLineAsync($"Key (shown once, store it now): {Formats.Text(response.Body?["key"])}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
