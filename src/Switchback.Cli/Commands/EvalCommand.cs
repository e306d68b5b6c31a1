using System.CommandLine;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback eval run</c>.</summary>
internal static class EvalCommand
{
    internal static Command Create()
    {
        var command = new Command("eval", "Offline evaluation of a version on a golden dataset");
        command.Subcommands.Add(EvalRunCommand.Create());
        return command;
    }
}
