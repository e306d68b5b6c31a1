using System.CommandLine;
using Switchback.Cli.Commands;

namespace Switchback.Cli;

/// <summary>Builds the root command (the one place every verb is attached) and runs it.</summary>
internal static class CliApp
{
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Switchback: immutable model bundles, a model gateway and safe rollouts.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ApplyCommand.Create());
        root.Subcommands.Add(BundleCommand.Create());
        root.Subcommands.Add(AliasCommand.Create());
        root.Subcommands.Add(KeyCommand.Create());
        root.Subcommands.Add(HistoryCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(RolloutCommand.Create());
        root.Subcommands.Add(RollbackCommand.Create());
        root.Subcommands.Add(MonitorCommand.Create());
        root.Subcommands.Add(DrillCommand.Create());
        root.Subcommands.Add(RunbookCommand.Create());
        root.Subcommands.Add(UpstreamSimCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(BackupCommand.Create());
        root.Subcommands.Add(RestoreCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"switchback: {error.Message}");
            }

            await Console.Error.WriteLineAsync("Run 'switchback --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync();
    }
}
