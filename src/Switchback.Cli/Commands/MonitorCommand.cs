using System.CommandLine;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback monitor status [DEPLOYMENT]</c>; monitors are applied with <c>switchback apply</c>.</summary>
internal static class MonitorCommand
{
    internal static Command Create()
    {
        var command = new Command("monitor", "Drift monitors on stable versions (apply a kind: Monitor manifest with switchback apply)");
        command.Subcommands.Add(MonitorStatusCommand.Create());
        return command;
    }
}
