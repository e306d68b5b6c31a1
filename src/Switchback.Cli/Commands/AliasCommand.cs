using System.CommandLine;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback alias set</c>.</summary>
internal static class AliasCommand
{
    internal static Command Create()
    {
        var command = new Command("alias", "Move aliases such as stable, candidate or champion");
        command.Subcommands.Add(AliasSetCommand.Create());
        return command;
    }
}
