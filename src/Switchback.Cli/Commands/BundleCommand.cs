using System.CommandLine;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback bundle register|list|show|diff|archive</c>.</summary>
internal static class BundleCommand
{
    internal static Command Create()
    {
        var command = new Command("bundle", "Register, list, show, diff and archive immutable bundle versions");
        command.Subcommands.Add(BundleRegisterCommand.Create());
        command.Subcommands.Add(BundleListCommand.Create());
        command.Subcommands.Add(BundleShowCommand.Create());
        command.Subcommands.Add(BundleDiffCommand.Create());
        command.Subcommands.Add(BundleArchiveCommand.Create());
        return command;
    }
}
