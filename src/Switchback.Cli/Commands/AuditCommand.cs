using System.CommandLine;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback audit verify</c>: exit 0 when the hash chain is intact, 1 naming the first broken entry.</summary>
internal static class AuditCommand
{
    internal static Command Create()
    {
        var command = new Command("audit", "Work with the hash-chained audit log");
        var verify = new Command("verify", "Re-compute the audit hash chain and report the first broken entry");
        var client = ClientOptions.AddTo(verify);
        ClientCommand.SetAction(verify, client, async (parse, context, ct) =>
        {
            var response = await context.Client.GetAsync("audit/verify", ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            var ok = response.Body?["ok"]?.GetValue<bool>() == true;
            if (context.Json)
            {
                context.WriteJson(response.Body);
            }
            else if (ok)
            {
                await context.Out.WriteLineAsync($"Audit log OK: {Formats.Text(response.Body?["entries_checked"])} entries verified.");
            }
            else
            {
                await context.Out.WriteLineAsync(
                    $"Audit log BROKEN at entry {Formats.Text(response.Body?["first_broken_sequence"])}: {Formats.Text(response.Body?["problem"])} " +
                    $"({Formats.Text(response.Body?["entries_checked"])} entries verified before it).");
            }

            return ok ? ExitCodes.Ok : ExitCodes.Error;
        });
        command.Subcommands.Add(verify);
        return command;
    }
}
