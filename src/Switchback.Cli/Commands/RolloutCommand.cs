using System.CommandLine;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback rollout start|status|promote|pause|resume|abort</c>.</summary>
internal static class RolloutCommand
{
    internal static Command Create()
    {
        var command = new Command("rollout", "Progressive rollouts: start one, watch it, promote, pause, resume or abort it");
        command.Subcommands.Add(RolloutStartCommand.Create());
        command.Subcommands.Add(RolloutStatusCommand.Create());
        command.Subcommands.Add(RolloutControlCommand.Create("promote", "Promote past a pause (plan pause, soft breach, inconclusive step)"));
        command.Subcommands.Add(RolloutControlCommand.Create("pause", "Hold the rollout at its current routing"));
        command.Subcommands.Add(RolloutControlCommand.Create("resume", "Continue a paused step"));
        command.Subcommands.Add(RolloutControlCommand.Create("abort", "Stop the rollout and route everything back to stable"));
        return command;
    }
}
