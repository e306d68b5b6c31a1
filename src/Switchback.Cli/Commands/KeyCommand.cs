using System.CommandLine;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback key create|list|revoke</c>.</summary>
internal static class KeyCommand
{
    internal static Command Create()
    {
        var command = new Command("key", "Manage API keys (admin role)");
        command.Subcommands.Add(KeyCreateCommand.Create());
        command.Subcommands.Add(KeyListCommand.Create());
        command.Subcommands.Add(KeyRevokeCommand.Create());
        return command;
    }
}
